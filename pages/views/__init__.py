"""Server-rendered pages: the owner dashboard, restaurant/menu management and the customer storefront."""
