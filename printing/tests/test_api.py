"""The printing API: registering devices, a tablet's and an agent's claim and ack, reprints."""

import pytest

from foodsys.testing.fixtures import bearer_client
from orders.models import OrderActivity
from orders.tests.helpers import place
from printing.models import JobStatus, PrintDevice, PrintJob

pytestmark = pytest.mark.django_db


def _devices_url(restaurant) -> str:
    return f"/api/restaurants/{restaurant.pk}/print-devices/"


def test_staff_register_a_tablet_and_an_owner_an_agent_whose_token_is_shown_once(staff_client, owner_client,
                                                                                 restaurant):
    tablet = staff_client.post(_devices_url(restaurant), {"name": "Pass tablet", "kind": "browser",
                                                          "paper_width": 58}, format="json")
    agent = owner_client.post(_devices_url(restaurant), {"name": "Kitchen", "kind": "agent"}, format="json")

    assert tablet.status_code == 201 and tablet.json()["token"] is None and tablet.json()["paper_width"] == 58
    assert agent.status_code == 201 and len(agent.json()["token"]) > 30
    listed = owner_client.get(_devices_url(restaurant)).json()
    assert [d["name"] for d in listed] == ["Kitchen", "Pass tablet"]
    assert all("token" not in d for d in listed)
    assert PrintDevice.objects.get(name="Kitchen").token_hash != agent.json()["token"]  # stored hashed


@pytest.mark.parametrize(("body", "field"), [({"name": "", "kind": "browser"}, "name"),
                                             ({"name": "X", "kind": "fax"}, "kind"),
                                             ({"name": "X", "kind": "agent", "paper_width": 72}, "paper_width")])
def test_a_bad_device_is_a_400_naming_the_field(owner_client, restaurant, body, field):
    response = owner_client.post(_devices_url(restaurant), body, format="json")

    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not PrintDevice.objects.exists()


def test_a_tablet_claims_prints_and_acks_as_its_member(staff_client, restaurant, customer, menu_item):
    device = staff_client.post(_devices_url(restaurant), {"name": "Tablet", "kind": "browser"}, format="json").json()
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)]).order

    claimed = staff_client.post(f"/api/print-devices/{device['id']}/claim/", {}, format="json")

    assert claimed.status_code == 200
    [job] = claimed.json()["jobs"]
    assert job["order_id"] == str(order.pk) and job["ticket"]["order_number"] == order.order_number
    assert job["ticket"]["lines"][0]["quantity"] == 2
    ack_url = f"/api/print-devices/{device['id']}/jobs/{job['id']}/ack/"
    first = staff_client.post(ack_url, {"claim_token": job["claim_token"]}, format="json")
    again = staff_client.post(ack_url, {"claim_token": job["claim_token"]}, format="json")
    assert (first.json()["already_printed"], again.json()["already_printed"]) == (False, True)


def test_two_tabs_of_one_device_never_get_the_same_job(staff_client, owner_client, restaurant, customer, menu_item):
    device = staff_client.post(_devices_url(restaurant), {"name": "Tablet", "kind": "browser"}, format="json").json()
    for _ in range(3):
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
    url = f"/api/print-devices/{device['id']}/claim/"

    tab_one = staff_client.post(url, {"limit": 2}, format="json").json()["jobs"]
    tab_two = owner_client.post(url, {"limit": 5}, format="json").json()["jobs"]

    assert len(tab_one) == 2 and len(tab_two) == 1
    assert not {job["id"] for job in tab_one} & {job["id"] for job in tab_two}


def test_an_agent_uses_its_token_and_only_for_its_own_device(owner_client, restaurant, other_restaurant, customer,
                                                             menu_item, api_client):
    agent = owner_client.post(_devices_url(restaurant), {"name": "Kitchen", "kind": "agent"}, format="json").json()
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])

    api_client.credentials(HTTP_X_PRINT_DEVICE_TOKEN=agent["token"])
    assert api_client.post(f"/api/print-devices/{agent['id']}/claim/", {}, format="json").status_code == 200
    other = PrintDevice.objects.create(tenant=other_restaurant, name="Other", kind="agent", token_hash="x")
    assert api_client.post(f"/api/print-devices/{other.pk}/claim/", {}, format="json").status_code == 401
    api_client.credentials()
    assert api_client.post(f"/api/print-devices/{agent['id']}/claim/", {}, format="json").status_code == 401


def test_another_tenants_members_get_404_for_devices_jobs_and_reprints(owner_client, restaurant, other_owner,
                                                                       customer, menu_item):
    device = owner_client.post(_devices_url(restaurant), {"name": "Kitchen", "kind": "browser"}, format="json").json()
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order
    job = PrintJob.objects.get(order=order)
    outsider = bearer_client(other_owner)

    assert outsider.get(_devices_url(restaurant)).status_code == 404
    assert outsider.post(f"/api/print-devices/{device['id']}/claim/", {}, format="json").status_code == 404
    assert outsider.post(f"/api/print-devices/{device['id']}/jobs/{job.pk}/ack/",
                         {"claim_token": "00000000-0000-0000-0000-000000000000"}, format="json").status_code == 404
    assert outsider.post(f"/api/orders/{order.pk}/reprint/", {"reason": "x"}, format="json").status_code == 404
    assert outsider.delete(f"{_devices_url(restaurant)}{device['id']}/").status_code == 404
    assert PrintJob.objects.get(pk=job.pk).status == JobStatus.PENDING
    assert PrintDevice.objects.get(pk=device["id"]).is_active


def test_a_reprint_asks_a_reason_and_lands_on_the_timeline(staff_client, restaurant, customer, menu_item, staff):
    staff_client.post(_devices_url(restaurant), {"name": "Kitchen", "kind": "browser"}, format="json")
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order

    missing = staff_client.post(f"/api/orders/{order.pk}/reprint/", {}, format="json")
    done = staff_client.post(f"/api/orders/{order.pk}/reprint/", {"reason": "Spilled coffee"}, format="json")

    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]
    assert done.status_code == 201 and done.json()["jobs"][0]["copy"] == 1
    timeline = staff_client.get(f"/api/orders/{order.pk}/").json()["timeline"]
    assert any(entry["kind"] == "ticket_reprinted" and "Spilled coffee" in entry["detail"] for entry in timeline)
    assert OrderActivity.objects.get(order=order).by == staff


def test_a_customer_cannot_reprint_their_own_order(customer_client, owner_client, restaurant, customer, menu_item):
    owner_client.post(_devices_url(restaurant), {"name": "Kitchen", "kind": "browser"}, format="json")
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order

    response = customer_client.post(f"/api/orders/{order.pk}/reprint/", {"reason": "pls"}, format="json")

    assert response.status_code == 403
    assert PrintJob.objects.filter(order=order, copy__gt=0).count() == 0
