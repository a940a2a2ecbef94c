"""The two-tenant world of the security suites and the roles that probe it.

Tenant A's objects fill the path parameters; tenant B is the neighbour that must never see them.
Every name is distinctive so a leak can be found by substring in any response body.
"""

from dataclasses import dataclass
from decimal import Decimal

from accounts.models import MembershipRole, UserRole
from foodsys.tenancy.actor import OWNER, Actor
from foodsys.testing import factories as f
from orders import services as order_services
from printing import services as printing_services
from printing.models import DeviceKind, PrintJob
from restaurants import zone_services
from tests.security import helpers

ADDRESS = {"street": "1 Probe Way", "city": "Springfield", "state": "IL", "zip_code": "62704"}


def _figure(amount) -> str:
    """Money as the API writes it, quoted: a bare "55.32" would also match a timestamp's seconds."""
    return f'"{amount:.2f}"'


@dataclass
class TenantWorld:
    label: str
    restaurant: object
    category: object
    item: object
    group: object
    option: object
    owner: object
    staff: object
    customer: object
    order: object
    device: object = None  # a browser print device, with the order's print job
    job: object = None
    zone: object = None  # a polygon delivery zone (the unit square at lng 0..1, lat 0..1)

    @property
    def tenant_id(self):
        return self.restaurant.tenant_id

    def public_strings(self) -> set[str]:
        """What the public catalog shows anyone: fine on catalog routes, a leak elsewhere."""
        return {str(self.tenant_id), self.restaurant.name, self.category.name, self.item.name, self.group.name,
                self.option.name, _figure(self.item.price)} | ({self.zone.name} if self.zone else set())

    def private_strings(self) -> set[str]:
        """Never shown outside the tenant and the ordering customer: order ids, figures, people."""
        order = self.order
        return {str(order.id), _figure(order.total), _figure(order.subtotal), order.notes,
                self.customer.email, self.customer.name, self.owner.email, self.owner.name,
                self.staff.email, self.staff.name}


@dataclass
class World:
    a: TenantWorld
    b: TenantWorld
    admin: object
    outsider: object  # a customer with no orders and no memberships; its credentials go in login probes

    def tenant(self, label: str) -> TenantWorld:
        return {"a": self.a, "b": self.b}[label]


@dataclass(frozen=True)
class Role:
    name: str
    user: str | None  # "a.owner", "admin", ...
    header: str | None = None  # X-Tenant-ID: the tenant label whose UUID is sent
    home: str | None = None  # the tenant whose data the role may see ("a", "b"); None: anonymous/admin
    forged: bool = False  # X-Tenant-ID names a tenant the user does not belong to

    def user_of(self, world: World):
        if self.user is None:
            return None
        obj = world
        for part in self.user.split("."):
            obj = getattr(obj, part)
        return obj

    def client(self, world: World):
        header = str(world.tenant(self.header).tenant_id) if self.header else None
        return helpers.client_for(self.user_of(world), header)

    def forbidden(self, world: World, *, catalog_route: bool) -> set[str]:
        """Strings of the tenant this role must not see. On catalog routes public data is allowed."""
        def foreign(tenant: TenantWorld) -> set[str]:
            return tenant.private_strings() | (set() if catalog_route else tenant.public_strings())

        if self.home == "a" or self.name == "admin":  # the admin acts in tenant A (X-Tenant-ID: A)
            return foreign(world.b)
        if self.home == "b":
            return foreign(world.a)
        return foreign(world.a) | foreign(world.b)


ROLES = (
    Role("anon", None),
    Role("cust_a", "a.customer", home="a"),
    Role("cust_b", "b.customer", home="b"),
    Role("owner_a", "a.owner", home="a"),
    Role("staff_a", "a.staff", home="a"),
    Role("owner_b", "b.owner", home="b"),
    Role("staff_b", "b.staff", home="b"),
    Role("admin", "admin", header="a"),
    Role("owner_b>A", "b.owner", header="a", home="b", forged=True),
    Role("staff_b>A", "b.staff", header="a", home="b", forged=True),
    Role("cust_b>A", "b.customer", header="a", home="b", forged=True),
)
ROLE_BY_NAME = {role.name: role for role in ROLES}


def _tenant_world(label: str, *, price: str, delta: str, quantity: int) -> TenantWorld:
    word = {"a": "Alpha", "b": "Bravo"}[label]
    tag = f"Qz7{label.upper()}"
    restaurant = f.RestaurantFactory(name=f"{word} Trattoria {tag}", cuisines=["italian"], city="Springfield")
    category = f.CategoryFactory(tenant=restaurant, name=f"{word} Antipasti {tag}")
    item = f.MenuItemFactory(category=category, name=f"{word} Truffle Risotto {tag}", price=Decimal(price))
    group = f.OptionGroupFactory(item=item, name=f"{word} Portion {tag}")
    option = f.OptionFactory(group=group, name=f"{word} Extra Truffle {tag}", price_delta=Decimal(delta))
    owner = f.OwnerFactory(email=f"{word.lower()}.owner@example.com", name=f"{word} Ownerperson {tag}")
    f.MembershipFactory(user=owner, tenant=restaurant, role=MembershipRole.OWNER)
    staff = f.UserFactory(email=f"{word.lower()}.staff@example.com", name=f"{word} Staffperson {tag}")
    f.MembershipFactory(user=staff, tenant=restaurant, role=MembershipRole.STAFF)
    customer = f.UserFactory(email=f"{word.lower()}.customer@example.com", name=f"{word} Eater {tag}")
    device = printing_services.print_device_register(
        restaurant=restaurant, actor=Actor(user=owner, role=OWNER), name=f"{word} Pass {tag}",
        kind=DeviceKind.BROWSER).device
    placed = order_services.order_place(
        customer=customer, restaurant_ref=restaurant.id, payment_method="cash", notes=f"{word} doorbell {tag}",
        lines=[order_services.OrderLineInput(menu_item_id=item.id, quantity=quantity, option_ids=(option.id,),
                                             special_instructions=f"{word} no onions {tag}")],
        delivery_address=dict(ADDRESS),
    )
    job = PrintJob.objects.get(order=placed.order, device=device)
    zone = zone_services.zone_create(restaurant=restaurant, actor=Actor(user=owner, role=OWNER), data={
        "name": f"{word} Riverside Zone {tag}", "kind": "polygon", "delivery_fee": Decimal("3.71"),
        "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}})
    return TenantWorld(label, restaurant, category, item, group, option, owner, staff, customer, placed.order,
                       device, job, zone)


def build_world() -> World:
    return World(
        a=_tenant_world("a", price="17.31", delta="1.13", quantity=3),
        b=_tenant_world("b", price="23.47", delta="2.19", quantity=2),
        admin=f.UserFactory(email="platform.admin@example.com", name="Platform Admin", is_staff=True,
                            is_superuser=True),
        outsider=f.UserFactory(email="outsider@example.com", name="Outsider", role=UserRole.CUSTOMER),
    )
