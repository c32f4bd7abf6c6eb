"""A small Stripe-compatible API server for the test suite: a test helper, not product code.

The official `stripe` library talks HTTP to it through `STRIPE_API_BASE`. Every object it
answers with is a copy of Stripe's own published example (`stripe_fixtures.json`, see README.md)
with ids, amounts, statuses and metadata overridden, so the code under test meets the fields
Stripe really sends. It keeps the state of Checkout Sessions, PaymentIntents, Charges, Refunds and
Disputes, and emits the events Stripe would. Its hosted "pay" page marks a session paid and
delivers the signed webhook, as Stripe does.

Events go to `deliver` when set (a callable taking the event; the live-server journey posts them
over HTTP), otherwise to `outbox`, for the test to post with `post_event` or `deliver_outbox`.
"""

import copy
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from stripe._api_version import _ApiVersion

FIXTURES = json.loads((Path(__file__).parent / "stripe_fixtures.json").read_text())
SECRET_KEY = "sk_test_healhips"
WEBHOOK_SECRET = "whsec_test_healhips"
WEBHOOK_PATH = "/billing/stripe/webhook/"


def fixture(resource: str, **overrides) -> dict:
    return {**copy.deepcopy(FIXTURES[resource]), **overrides}


def new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def signature_header(payload: str, secret: str = WEBHOOK_SECRET, timestamp=None) -> str:
    """Stripe's scheme, written out here rather than borrowed from the library under test."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def post_event(client, event, *, payload=None, **headers):
    """POST `event` to the webhook with the Django test client, signed like Stripe signs it."""
    payload = json.dumps(event, indent=2) if payload is None else payload
    headers.setdefault("HTTP_STRIPE_SIGNATURE", signature_header(payload))
    return client.post(WEBHOOK_PATH, data=payload, content_type="application/json", **headers)


class StripeError(Exception):
    def __init__(self, status, message, code=None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code


class FakeStripe:
    def __init__(self):
        self.lock = threading.RLock()
        self.sessions, self.line_items, self.session_params = {}, {}, {}
        self.intents, self.charges, self.refunds = {}, {}, {}
        self.prices = {}
        self.customers, self.subscriptions, self.schedules, self.invoices = {}, {}, {}, {}
        self.promotion_codes, self.idempotent = {}, {}
        self.events, self.outbox = [], []
        self.deliver = None
        # API requests whose path contains one of these (or every request, for "/v1/") get an
        # unexpected answer: an HTML error page from a proxy, as an outage would give.
        self.broken_paths = set()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # The API ---------------------------------------------------------------------------------

    def create_session(self, params: dict) -> dict:
        items = [self._line_item(item) for item in params.get("line_items", [])]
        mode = params.get("mode")
        if mode not in ("payment", "subscription") or not items:
            raise StripeError(400, "This server handles mode=payment|subscription with line_items.")
        if mode == "subscription" and not all(item["price"]["recurring"] for item in items):
            raise StripeError(400, "A subscription needs a recurring price.")
        if params.get("customer") and params["customer"] not in self.customers:
            raise StripeError(400, f"No such customer: '{params['customer']}'", "resource_missing")
        total = sum(item["amount_total"] for item in items)
        session_id = new_id("cs")
        session = fixture(
            "checkout.session",
            id=session_id,
            mode=mode,
            customer=params.get("customer"),
            subscription=None,
            invoice=None,
            consent=None,
            discounts=[],
            total_details={"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            status="open",
            payment_status="unpaid",
            url=f"{self.url}/pay/{session_id}",
            success_url=params["success_url"],
            cancel_url=params.get("cancel_url"),
            client_reference_id=params.get("client_reference_id"),
            customer_email=params.get("customer_email"),
            customer_details=None,
            metadata=params.get("metadata", {}),
            allow_promotion_codes=params.get("allow_promotion_codes") == "true",
            amount_subtotal=total,
            amount_total=total,
            currency=items[0]["currency"],
            payment_intent=None,
            created=int(time.time()),
            expires_at=int(time.time()) + 24 * 3600,
            livemode=False,
        )
        with self.lock:
            self.sessions[session_id] = session
            self.line_items[session_id] = items
            self.session_params[session_id] = params
        return session

    def _line_item(self, params: dict) -> dict:
        quantity = int(params.get("quantity", 1))
        if "price" in params:
            if params["price"] not in self.prices:
                raise StripeError(400, f"No such price: '{params['price']}'", "resource_missing")
            price = self.prices[params["price"]]
            name = price["product_name"]
        else:
            data = params["price_data"]
            price = {
                "id": new_id("price"),
                "unit_amount": int(data["unit_amount"]),
                "currency": data["currency"],
            }
            name = data["product_data"]["name"]
        amount = price["unit_amount"] * quantity
        price_object = {
            **fixture("item")["price"],
            "id": price["id"],
            "unit_amount": price["unit_amount"],
            "unit_amount_decimal": str(price["unit_amount"]),
            "currency": price["currency"],
            "type": "recurring" if data_recurring(params) else "one_time",
            "recurring": data_recurring(params),
            "transform_quantity": None,
        }
        return fixture(
            "item",
            id=new_id("li"),
            description=name,
            quantity=quantity,
            currency=price["currency"],
            amount_subtotal=amount,
            amount_total=amount,
            price=price_object,
            adjustable_quantity=None,
        )

    def retrieve_session(self, session_id: str, expand=()) -> dict:
        with self.lock:
            if session_id not in self.sessions:
                raise StripeError(
                    404, f"No such checkout.session: '{session_id}'", "resource_missing"
                )
            session = copy.deepcopy(self.sessions[session_id])
            if "line_items" in expand:
                session["line_items"] = self._list(
                    self.line_items[session_id], f"/v1/checkout/sessions/{session_id}/line_items"
                )
            intent_id = session["payment_intent"]
            if intent_id and {"payment_intent", "payment_intent.latest_charge"} & set(expand):
                intent = copy.deepcopy(self.intents[intent_id])
                if "payment_intent.latest_charge" in expand and intent["latest_charge"]:
                    intent["latest_charge"] = copy.deepcopy(self.charges[intent["latest_charge"]])
                session["payment_intent"] = intent
            return session

    def list_sessions(self, params: dict) -> dict:
        with self.lock:
            found = sorted(self.sessions.values(), key=lambda s: s["created"], reverse=True)
        if "created" in params:
            found = [s for s in found if s["created"] >= int(params["created"]["gte"])]
        for field in ("status", "payment_intent", "subscription"):
            if field in params:
                found = [s for s in found if s[field] == params[field]]
        if "starting_after" in params:
            ids = [s["id"] for s in found]
            found = found[ids.index(params["starting_after"]) + 1 :]
        limit = int(params.get("limit", 10))
        page = found[:limit]
        return self._list(page, "/v1/checkout/sessions", has_more=len(found) > limit)

    def create_refund(self, params: dict) -> dict:
        with self.lock:
            intent = self.intents.get(params.get("payment_intent"))
            if intent is None or intent["latest_charge"] is None:
                raise StripeError(400, "This PaymentIntent has no charge to refund.")
            charge = self.charges[intent["latest_charge"]]
            remaining = charge["amount"] - charge["amount_refunded"]
            amount = int(params.get("amount", remaining))
            if amount <= 0 or amount > remaining:
                raise StripeError(400, f"Refund amount ({amount}) is greater than unrefunded.")
            refund = fixture(
                "refund",
                id=new_id("re"),
                amount=amount,
                charge=charge["id"],
                payment_intent=intent["id"],
                currency=charge["currency"],
                metadata=params.get("metadata", {}),
                reason=params.get("reason"),
                status="succeeded",
                created=int(time.time()),
            )
            self.refunds[refund["id"]] = refund
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            charge["refunds"]["data"].append(refund)
            events = [self._event("refund.created", refund), self._event("charge.refunded", charge)]
        self._send(events)
        return refund

    # What happens on Stripe's side: the buyer, the bank, time --------------------------------

    def pay(self, session_id: str, *, delayed=False, free=False, promotion_code=None) -> dict:
        """The buyer pays: by card (settled at once), by a delayed method such as a bank debit
        (processing until `settle_delayed`), or with a 100% promotion code (nothing to pay).
        `promotion_code` is a code made with `add_promotion_code`, typed on Stripe's page. They
        accept the terms when the session asks for it. A subscription session starts the
        subscription and pays its first invoice."""
        with self.lock:
            session = self.sessions[session_id]
            params = self.session_params[session_id]
            if session["status"] != "open":
                raise StripeError(400, "This Checkout Session is no longer open.")
            session["status"] = "complete"
            session["customer_details"] = {
                **fixture("checkout.session")["customer_details"],
                "email": session["customer_email"],
            }
            if params.get("consent_collection", {}).get("terms_of_service") == "required":
                session["consent"] = {"terms_of_service": "accepted", "promotions": None}
            if session["customer"] is None and (
                params.get("customer_creation") == "always" or session["mode"] == "subscription"
            ):
                session["customer"] = self._create_customer(session["customer_email"])
            if promotion_code is not None:
                self._apply_code(session, promotion_code)
            events = []
            if free:
                session["payment_status"] = "no_payment_required"
                session["amount_total"] = 0
            elif session["mode"] == "subscription":
                session["subscription"], events = self._start_subscription(session)
                session["payment_status"] = "paid"
            else:
                session["payment_intent"] = self._create_payment(session, delayed)
                session["payment_status"] = "unpaid" if delayed else "paid"
            events.insert(0, self._event("checkout.session.completed", session))
        self._send(events)
        return self.sessions[session_id]

    def add_promotion_code(self, code: str, percent_off: int) -> dict:
        promotion = fixture(
            "promotion_code", id=new_id("promo"), code=code, active=True, customer=None
        )
        promotion["percent_off"] = percent_off  # kept here: the coupon is not modelled
        self.promotion_codes[promotion["id"]] = promotion
        return promotion

    def _apply_code(self, session: dict, code: str) -> None:
        promotion = next(p for p in self.promotion_codes.values() if p["code"] == code)
        discount = session["amount_total"] * promotion["percent_off"] // 100
        session["amount_total"] -= discount
        session["total_details"]["amount_discount"] = discount
        session["discounts"] = [{"coupon": None, "promotion_code": promotion["id"]}]

    def _create_customer(self, email: str) -> str:
        customer = fixture("customer", id=new_id("cus"), email=email, created=int(time.time()))
        self.customers[customer["id"]] = customer
        return customer["id"]

    # Subscriptions: a plan's months pass with `bill_next` ------------------------------------

    def _start_subscription(self, session: dict) -> tuple[str, list]:
        item = self.line_items[session["id"]][0]
        subscription_id = new_id("sub")
        template = fixture("subscription")
        subscription = {
            **template,
            "id": subscription_id,
            "customer": session["customer"],
            "status": "active",
            "schedule": None,
            "cancel_at": None,
            "canceled_at": None,
            "ended_at": None,
            "currency": session["currency"],
            "start_date": int(time.time()),
            "created": int(time.time()),
            "metadata": self.session_params[session["id"]]
            .get("subscription_data", {})
            .get("metadata", {}),
            "items": {
                **template["items"],
                "data": [{**template["items"]["data"][0], "price": item["price"], "quantity": 1}],
            },
            "latest_invoice": None,
        }
        self.subscriptions[subscription_id] = subscription
        invoice = self._invoice(subscription, session["amount_total"], paid=True)
        events = [
            self._event("customer.subscription.created", subscription),
            self._event("invoice.paid", invoice),
        ]
        return subscription_id, events

    def _invoice(self, subscription: dict, amount: int, *, paid: bool) -> dict:
        invoice_id = new_id("in")
        now = int(time.time())
        intent_id = self._create_payment(
            {"id": None, "amount_total": amount, "currency": subscription["currency"]},
            delayed=False,
        )
        if not paid:
            intent = self.intents[intent_id]
            intent["status"] = "requires_payment_method"
            self.charges[intent["latest_charge"]].update(status="failed", paid=False)
        invoice = fixture(
            "invoice",
            id=invoice_id,
            status="paid" if paid else "open",
            amount_due=amount,
            amount_paid=amount if paid else 0,
            amount_remaining=0 if paid else amount,
            attempt_count=1,
            attempted=True,
            currency=subscription["currency"],
            customer=subscription["customer"],
            created=now,
            hosted_invoice_url=f"{self.url}/invoice/{invoice_id}",
            subscription=None,
            parent={
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {"metadata": None, "subscription": subscription["id"]},
            },
            status_transitions={
                **fixture("invoice")["status_transitions"],
                "paid_at": now if paid else None,
            },
        )
        self.invoices[invoice_id] = {**invoice, "_payment_intent": intent_id}
        subscription["latest_invoice"] = invoice_id
        return invoice

    def paid_invoices(self, subscription_id: str) -> list:
        return [
            i
            for i in self.invoices.values()
            if i["parent"]["subscription_details"]["subscription"] == subscription_id
            and i["status"] == "paid"
        ]

    def bill_next(self, subscription_id: str, *, succeed=True) -> dict | None:
        """A month passes: the next invoice is paid (or fails: the subscription goes past due).
        A schedule that ends after its phase cancels the subscription instead of billing."""
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            if subscription["status"] == "canceled":
                raise StripeError(400, "A cancelled subscription is not billed.")
            schedule = self.schedules.get(subscription["schedule"])
            months = schedule and schedule["phases"][0].get("duration", {}).get("interval_count")
            if months and len(self.paid_invoices(subscription_id)) >= int(months):
                if schedule["end_behavior"] != "cancel":
                    raise StripeError(400, "This server ends schedules with end_behavior=cancel.")
                self._end(subscription)
                schedule["status"] = "completed"
                events = [self._event("customer.subscription.deleted", subscription)]
                invoice = None
            else:
                amount = subscription["items"]["data"][0]["price"]["unit_amount"]
                invoice = self._invoice(subscription, amount, paid=succeed)
                if succeed:
                    events = [self._event("invoice.paid", invoice)]
                else:
                    subscription["status"] = "past_due"
                    events = [
                        self._event("invoice.payment_failed", invoice),
                        self._event("customer.subscription.updated", subscription),
                    ]
        self._send(events)
        return invoice

    def update_card(self, subscription_id: str) -> None:
        """The client puts in a card that works: the open invoice is paid at once."""
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            events = []
            for invoice in list(self.invoices.values()):
                if (
                    invoice["status"] == "open"
                    and invoice["parent"]["subscription_details"]["subscription"] == subscription_id
                ):
                    intent = self.intents[invoice["_payment_intent"]]
                    intent["status"] = "succeeded"
                    self.charges[intent["latest_charge"]].update(status="succeeded", paid=True)
                    invoice.update(
                        status="paid",
                        amount_paid=invoice["amount_due"],
                        amount_remaining=0,
                        attempt_count=invoice["attempt_count"] + 1,
                        status_transitions={
                            **invoice["status_transitions"],
                            "paid_at": int(time.time()),
                        },
                    )
                    events.append(self._event("invoice.paid", self._public(invoice)))
            subscription["status"] = "active"
            events.append(self._event("customer.subscription.updated", subscription))
        self._send(events)

    def cancel(self, subscription_id: str) -> dict:
        """The client (in the portal), the instructor or the API cancels the subscription."""
        with self.lock:
            subscription = self.subscriptions[subscription_id]
            if subscription["status"] == "canceled":
                return copy.deepcopy(subscription)
            self._end(subscription)
            events = [self._event("customer.subscription.deleted", subscription)]
        self._send(events)
        return copy.deepcopy(subscription)

    def _end(self, subscription: dict) -> None:
        now = int(time.time())
        subscription.update(status="canceled", canceled_at=now, ended_at=now)

    def refund_invoice(self, invoice_id: str, amount=None) -> dict:
        params = {"payment_intent": self.invoices[invoice_id]["_payment_intent"]}
        return self.create_refund(params if amount is None else {**params, "amount": amount})

    def dispute_invoice(self, invoice_id: str) -> None:
        with self.lock:
            intent = self.intents[self.invoices[invoice_id]["_payment_intent"]]
            events = [self._dispute(intent)]
        self._send(events)

    @staticmethod
    def _public(invoice: dict) -> dict:
        return {k: v for k, v in invoice.items() if not k.startswith("_")}

    def retrieve_subscription(self, subscription_id: str) -> dict:
        with self.lock:
            if subscription_id not in self.subscriptions:
                raise StripeError(
                    404, f"No such subscription: '{subscription_id}'", "resource_missing"
                )
            return copy.deepcopy(self.subscriptions[subscription_id])

    def list_invoices(self, params: dict) -> dict:
        expand = params.get("expand", [])
        with self.lock:
            found = [
                self._public(copy.deepcopy(i))
                | ({"payments": self._invoice_payments(i)} if "data.payments" in expand else {})
                for i in self.invoices.values()
                if i["parent"]["subscription_details"]["subscription"] == params.get("subscription")
            ]
        found.sort(key=lambda i: i["created"], reverse=True)
        return self._list(found, "/v1/invoices")

    def _invoice_payments(self, invoice: dict) -> dict:
        payment = {
            "object": "invoice_payment",
            "id": new_id("inpay"),
            "invoice": invoice["id"],
            "status": "paid" if invoice["status"] == "paid" else "open",
            "payment": {"type": "payment_intent", "payment_intent": invoice["_payment_intent"]},
        }
        return self._list([payment], f"/v1/invoice_payments?invoice={invoice['id']}")

    def create_schedule(self, params: dict) -> dict:
        with self.lock:
            subscription = self.subscriptions[params["from_subscription"]]
            if subscription["schedule"]:
                raise StripeError(400, "This subscription already has a schedule.")
            template = fixture("subscription_schedule")
            schedule = {
                **template,
                "id": new_id("sub_sched"),
                "subscription": subscription["id"],
                "customer": subscription["customer"],
                "end_behavior": "release",
                "status": "active",
                "phases": [
                    {
                        **template["phases"][0],
                        "start_date": subscription["start_date"],
                        "end_date": subscription["start_date"] + 30 * 24 * 3600,
                        "items": [{"price": subscription["items"]["data"][0]["price"]["id"]}],
                    }
                ],
            }
            subscription["schedule"] = schedule["id"]
            self.schedules[schedule["id"]] = schedule
            return copy.deepcopy(schedule)

    def update_schedule(self, schedule_id: str, params: dict) -> dict:
        with self.lock:
            schedule = self.schedules[schedule_id]
            phases = params.get("phases", [])
            for phase in phases:
                if "iterations" in phase:
                    raise StripeError(400, "Received unknown parameter: phases[0][iterations]")
            if phases:
                schedule["phases"] = [
                    {**schedule["phases"][0], **phase, "start_date": int(phase["start_date"])}
                    for phase in phases
                ]
            schedule["end_behavior"] = params.get("end_behavior", schedule["end_behavior"])
            return copy.deepcopy(schedule)

    def create_portal_session(self, params: dict) -> dict:
        if params.get("customer") not in self.customers:
            raise StripeError(400, f"No such customer: '{params.get('customer')}'")
        session_id = new_id("bps")
        return fixture(
            "billing_portal.session",
            id=session_id,
            customer=params["customer"],
            return_url=params.get("return_url"),
            url=f"{self.url}/portal/{session_id}",
        )

    def _create_payment(self, session: dict, delayed: bool) -> str:
        params = self.session_params.get(session["id"], {})
        metadata = params.get("payment_intent_data", {}).get("metadata", {})
        intent_id, charge_id = new_id("pi"), new_id("ch")
        amount = session["amount_total"]
        self.charges[charge_id] = fixture(
            "charge",
            id=charge_id,
            amount=amount,
            amount_captured=amount,
            amount_refunded=0,
            captured=True,
            paid=not delayed,
            status="pending" if delayed else "succeeded",
            refunded=False,
            disputed=False,
            currency=session["currency"],
            payment_intent=intent_id,
            metadata=metadata,
            refunds={**fixture("charge")["refunds"], "url": f"/v1/charges/{charge_id}/refunds"},
            created=int(time.time()),
        )
        self.intents[intent_id] = fixture(
            "payment_intent",
            id=intent_id,
            amount=amount,
            amount_received=0 if delayed else amount,
            currency=session["currency"],
            status="processing" if delayed else "succeeded",
            latest_charge=charge_id,
            metadata=metadata,
            canceled_at=None,
            last_payment_error=None,
            next_action=None,
            created=int(time.time()),
        )
        return intent_id

    def settle_delayed(self, session_id: str, *, succeeded: bool) -> None:
        with self.lock:
            session = self.sessions[session_id]
            intent = self.intents[session["payment_intent"]]
            charge = self.charges[intent["latest_charge"]]
            if succeeded:
                intent.update(status="succeeded", amount_received=intent["amount"])
                charge.update(status="succeeded", paid=True)
                session["payment_status"] = "paid"
                kind = "checkout.session.async_payment_succeeded"
            else:
                intent["status"] = "requires_payment_method"
                charge.update(status="failed", failure_code="insufficient_funds")
                kind = "checkout.session.async_payment_failed"
            events = [self._event(kind, session)]
        self._send(events)

    def expire(self, session_id: str) -> None:
        with self.lock:
            session = self.sessions[session_id]
            session["status"] = "expired"
            events = [self._event("checkout.session.expired", session)]
        self._send(events)

    def dispute(self, session_id: str) -> None:
        with self.lock:
            intent = self.intents[self.sessions[session_id]["payment_intent"]]
            events = [self._dispute(intent)]
        self._send(events)

    def _dispute(self, intent: dict) -> dict:
        charge = self.charges[intent["latest_charge"]]
        charge["disputed"] = True
        dispute = fixture(
            "dispute",
            id=new_id("dp"),
            amount=charge["amount"],
            charge=charge["id"],
            payment_intent=intent["id"],
            currency=charge["currency"],
            reason="fraudulent",
            status="needs_response",
            created=int(time.time()),
        )
        return self._event("charge.dispute.created", dispute)

    def refund(self, session_id: str, amount=None) -> dict:
        params = {"payment_intent": self.sessions[session_id]["payment_intent"]}
        return self.create_refund(params if amount is None else {**params, "amount": amount})

    # Events ----------------------------------------------------------------------------------

    def _event(self, kind: str, obj: dict) -> dict:
        event = fixture(
            "event",
            id=new_id("evt"),
            type=kind,
            created=int(time.time()),
            api_version=_ApiVersion.CURRENT,
            livemode=False,
            pending_webhooks=1,
            data={"object": copy.deepcopy(obj)},
        )
        self.events.append(event)
        return event

    def _send(self, events):
        """Outside the lock: delivery makes the app call back into this server."""
        for event in events:
            if self.deliver is None:
                self.outbox.append(event)
            else:
                self.deliver(event)

    def events_of(self, kind: str) -> list:
        return [event for event in self.events if event["type"] == kind]

    def deliver_outbox(self, client) -> list:
        """Post every undelivered event to the app, oldest first; returns the responses."""
        responses = []
        while self.outbox:
            responses.append(post_event(client, self.outbox.pop(0)))
        return responses

    @staticmethod
    def _list(data, url, has_more=False) -> dict:
        return {"object": "list", "data": data, "has_more": has_more, "url": url}


def deliver_over_http(base_url: str):
    """A `deliver` for a live server: POST each event, signed, as Stripe's webhook sender does."""

    def deliver(event):
        payload = json.dumps(event)
        # base_url is the live server's http:// address, never user input.
        request = urllib.request.Request(  # noqa: S310
            base_url + WEBHOOK_PATH,
            data=payload.encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": signature_header(payload),
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            assert response.status == 200

    return deliver


def data_recurring(params: dict) -> dict | None:
    """The `recurring` of a line item's price_data, as a Price shows it."""
    recurring = params.get("price_data", {}).get("recurring")
    if not recurring:
        return None
    return {
        "interval": recurring["interval"],
        "interval_count": int(recurring.get("interval_count", 1)),
        "usage_type": "licensed",
        "meter": None,
        "trial_period_days": None,
    }


def decode_form(pairs) -> dict:
    """Undo the library's form encoding: `line_items[0][price_data][currency]=usd` → nested."""
    root = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node):
    if not isinstance(node, dict):
        return node
    node = {key: _listify(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


def _handler_for(stripe: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._answer("GET")

        def do_POST(self):
            self._answer("POST")

        def do_DELETE(self):
            self._answer("DELETE")

        def log_message(self, format, *args):
            pass

        def _answer(self, method):
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            params = decode_form(parse_qsl(url.query or body, keep_blank_values=True))
            try:
                if url.path.startswith("/pay/"):
                    return self._hosted_page(method, url.path.removeprefix("/pay/"))
                if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                    raise StripeError(401, "Invalid API Key provided.")
                if any(broken in url.path for broken in stripe.broken_paths):
                    return self._send(502, "text/html", "<h1>502 Bad Gateway</h1>")
                # A POST repeated with its idempotency key gets the first answer, as on Stripe.
                key = self.headers.get("Idempotency-Key") if method == "POST" else None
                with stripe.lock:
                    if key in stripe.idempotent:
                        return self._json(200, stripe.idempotent[key])
                answer = self._route(method, url.path, params)
                if key:
                    stripe.idempotent[key] = answer
                self._json(200, answer)
            except StripeError as error:
                self._json(error.status, _error_body(error))

        def _route(self, method, path, params):
            expand = params.get("expand", [])
            if (method, path) == ("POST", "/v1/checkout/sessions"):
                return stripe.create_session(params)
            if (method, path) == ("GET", "/v1/checkout/sessions"):
                return stripe.list_sessions(params)
            if method == "GET" and (match := re.fullmatch(r"/v1/checkout/sessions/(\w+)", path)):
                return stripe.retrieve_session(match[1], expand)
            if (method, path) == ("POST", "/v1/refunds"):
                return stripe.create_refund(params)
            if method == "GET" and (match := re.fullmatch(r"/v1/subscriptions/(\w+)", path)):
                return stripe.retrieve_subscription(match[1])
            if method == "DELETE" and (match := re.fullmatch(r"/v1/subscriptions/(\w+)", path)):
                return stripe.cancel(match[1])
            if method == "GET" and (
                match := re.fullmatch(r"/v1/subscription_schedules/(\w+)", path)
            ):
                return copy.deepcopy(stripe.schedules[match[1]])
            if method == "POST" and (
                match := re.fullmatch(r"/v1/checkout/sessions/(\w+)/expire", path)
            ):
                stripe.expire(match[1])
                return stripe.retrieve_session(match[1])
            if (method, path) == ("GET", "/v1/invoices"):
                return stripe.list_invoices(params)
            if (method, path) == ("POST", "/v1/subscription_schedules"):
                return stripe.create_schedule(params)
            if method == "POST" and (
                match := re.fullmatch(r"/v1/subscription_schedules/(\w+)", path)
            ):
                return stripe.update_schedule(match[1], params)
            if method == "GET" and (match := re.fullmatch(r"/v1/promotion_codes/(\w+)", path)):
                return copy.deepcopy(stripe.promotion_codes[match[1]])
            if method == "GET" and (match := re.fullmatch(r"/v1/charges/(\w+)", path)):
                return copy.deepcopy(stripe.charges[match[1]])
            if (method, path) == ("POST", "/v1/billing_portal/sessions"):
                return stripe.create_portal_session(params)
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

        def _hosted_page(self, method, session_id):
            """GET shows Checkout's pay button; POST pays (by card unless `method=delayed`),
            delivers the webhook and sends the buyer to the success URL, as Stripe does."""
            if session_id not in stripe.sessions:
                raise StripeError(404, "No such checkout page.")
            if method == "GET":
                page = f'<form method="post" action="/pay/{session_id}"><button>Pay</button></form>'
                return self._send(200, "text/html", page)
            query = dict(parse_qsl(urlsplit(self.path).query))
            session = stripe.pay(session_id, delayed=query.get("method") == "delayed")
            self.send_response(303)
            location = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _json(self, status, data):
            self._send(status, "application/json", json.dumps(data))

        def _send(self, status, content_type, text):
            body = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Request-Id", new_id("req"))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _error_body(error: StripeError) -> dict:
    kind = "invalid_request_error"
    return {"error": {"type": kind, "message": error.message, "code": error.code}}
