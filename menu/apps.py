from django.apps import AppConfig


class MenuConfig(AppConfig):
    name = "menu"

    def ready(self) -> None:
        from menu.api.serializers import MenuCategorySerializer
        from menu.selectors import menu_for_restaurant
        from restaurants.api.catalog_bodies import register_menu_categories

        # The public menu body (restaurants' catalog) takes its categories from here.
        register_menu_categories(
            lambda restaurant: MenuCategorySerializer(menu_for_restaurant(restaurant=restaurant), many=True).data)
