"""A local stand-in for api.stripe.com that the real `stripe` library talks to in tests.

It checks what the library sends (bearer key, form encoding, idempotency keys) and answers
with bodies in the shapes Stripe documents for PaymentIntents, Charges, Refunds and Events.
Tests move a PaymentIntent along (succeed, fail, require an action) and build signed webhooks
from its state, the way Stripe would.
"""

import copy
import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

SECRET_KEY = "sk_test_aidmarket_double"
PUBLISHABLE_KEY = "pk_test_aidmarket_double"
WEBHOOK_SECRET = "whsec_aidmarket_double"


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    headers: dict


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _nest(flat: list[tuple[str, str]]) -> dict:
    """Decode Stripe's form encoding (metadata[order_number]=…, payment_method_types[0]=…) into dicts."""
    result: dict = {}
    for key, value in flat:
        parts = key.replace("]", "").split("[")
        target = result
        for part, following in zip(parts, parts[1:], strict=False):
            target = target.setdefault(part, [] if following.isdigit() else {})
            if isinstance(target, list):
                index = int(following)
                while len(target) <= index:
                    target.append(None)
        last = parts[-1]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return result


@dataclass
class StripeDouble:
    base_url: str = ""
    requests: list = field(default_factory=list)
    intents: dict = field(default_factory=dict)
    charges: dict = field(default_factory=dict)
    refunds: dict = field(default_factory=dict)
    disputes: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    fail_next: int = 0
    _idempotent: dict = field(default_factory=dict)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _id(self, prefix):
        return f"{prefix}_test{next(self._ids):06d}"

    # What the tests read -------------------------------------------------

    def calls(self, method, path_prefix):
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # Moving a PaymentIntent along, as the customer and Stripe would -------

    def require_action(self, intent_id, method_type):
        intent = self.intents[intent_id]
        intent["status"] = "requires_action"
        if method_type == "alipay":
            intent["next_action"] = {
                "type": "alipay_handle_redirect",
                "alipay_handle_redirect": {
                    "native_data": None,
                    "native_url": None,
                    "return_url": "https://shop.example/return",
                    "url": f"https://hooks.stripe.com/redirect/authenticate/src_{intent_id}",
                },
            }
        else:
            intent["next_action"] = {
                "type": "wechat_pay_display_qr_code",
                "wechat_pay_display_qr_code": {
                    "data": f"weixin://wxpay/bizpayurl?pr={intent_id}",
                    "hosted_instructions_url": f"https://pay.stripe.com/wechat/{intent_id}",
                    "image_data_url": "data:image/png;base64,iVBORw0KGgo=",
                    "image_url_png": f"https://qr.stripe.com/{intent_id}.png",
                    "image_url_svg": f"https://qr.stripe.com/{intent_id}.svg",
                },
            }

    def succeed(self, intent_id, method_type="card"):
        intent = self.intents[intent_id]
        charge_id = self._id("ch")
        self.charges[charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": intent["amount"],
            "amount_captured": intent["amount"],
            "amount_refunded": 0,
            "currency": intent["currency"],
            "paid": True,
            "refunded": False,
            "status": "succeeded",
            "payment_intent": intent_id,
            "metadata": {},
            "payment_method": self._id("pm"),
            "livemode": False,
            "created": int(time.time()),
            "payment_method_details": {"type": method_type, method_type: {}},
        }
        intent.update(
            status="succeeded",
            amount_received=intent["amount"],
            latest_charge=charge_id,
            payment_method=self.charges[charge_id]["payment_method"],
            next_action=None,
            last_payment_error=None,
        )

    def fail(self, intent_id, message="Your card was declined."):
        intent = self.intents[intent_id]
        intent.update(
            status="requires_payment_method",
            next_action=None,
            last_payment_error={"type": "card_error", "code": "card_declined", "message": message},
        )

    def cancel(self, intent_id):
        self.intents[intent_id].update(status="canceled", cancellation_reason="abandoned", next_action=None)

    def settle_refund(self, refund_id, status="succeeded"):
        refund = self.refunds[refund_id]
        refund["status"] = status
        if status == "succeeded":
            charge = self.charges[refund["charge"]]
            charge["amount_refunded"] += refund["amount"]
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        return refund

    def refund_in_dashboard(self, intent_id, amount=None, status="succeeded"):
        """A refund someone makes in Stripe's Dashboard: no metadata of ours, card refunds settle at once."""
        charge = self.charges[self.intents[intent_id]["latest_charge"]]
        refund_id = self._id("re")
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": charge["amount"] - charge["amount_refunded"] if amount is None else amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": {},
            "payment_intent": intent_id,
            "reason": "requested_by_customer",
            "status": "pending",
            "balance_transaction": None,
        }
        return self.settle_refund(refund_id, status) if status != "pending" else self.refunds[refund_id]

    def open_dispute(self, intent_id, *, amount=None, reason="fraudulent", status="needs_response"):
        """The cardholder disputes the charge with the issuer (a chargeback; warning_* for an inquiry)."""
        charge = self.charges[self.intents[intent_id]["latest_charge"]]
        dispute_id = self._id("dp")
        now = int(time.time())
        self.disputes[dispute_id] = {
            "id": dispute_id,
            "object": "dispute",
            "amount": charge["amount"] if amount is None else amount,
            "balance_transactions": [],
            "charge": charge["id"],
            "created": now,
            "currency": charge["currency"],
            "evidence": {},
            "evidence_details": {
                "due_by": now + 7 * 86400,
                "has_evidence": False,
                "past_due": False,
                "submission_count": 0,
            },
            "is_charge_refundable": False,
            "livemode": False,
            "metadata": {},
            "payment_intent": intent_id,
            "reason": reason,
            "status": status,
        }
        return self.disputes[dispute_id]

    def _balance_transaction(self, dispute, sign):
        return {
            "id": self._id("txn"),
            "object": "balance_transaction",
            "amount": sign * dispute["amount"],
            "currency": dispute["currency"],
            "fee": 1500 if sign < 0 else 0,
            "reporting_category": "dispute" if sign < 0 else "dispute_reversal",
            "type": "adjustment",
        }

    def withdraw_dispute_funds(self, dispute_id):
        dispute = self.disputes[dispute_id]
        dispute["balance_transactions"].append(self._balance_transaction(dispute, -1))
        return dispute

    def reinstate_dispute_funds(self, dispute_id):
        dispute = self.disputes[dispute_id]
        dispute["balance_transactions"].append(self._balance_transaction(dispute, +1))
        return dispute

    def update_dispute(self, dispute_id, status):
        self.disputes[dispute_id]["status"] = status
        return self.disputes[dispute_id]

    def event(self, event_type, obj, *, created=None):
        """An Event as Stripe posts it to a webhook endpoint (API version 2025-era snapshot shape)."""
        return {
            "id": self._id("evt"),
            "object": "event",
            "api_version": "2025-08-27.basil",
            "created": int(time.time()) if created is None else created,
            "data": {"object": copy.deepcopy(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
        }

    # The HTTP side --------------------------------------------------------

    def handle(self, method, raw_path, body, headers):
        url = urlsplit(raw_path)
        params = _nest(parse_qsl(url.query if method == "GET" else body, keep_blank_values=True))
        self.requests.append(Recorded(method, url.path, params, headers))
        if headers.get("authorization") != f"Bearer {SECRET_KEY}":
            return 401, _error("invalid_request_error", "Invalid API Key provided.")
        if not headers.get("stripe-version"):
            self.problems.append("request without Stripe-Version")
        if method == "POST":
            if headers.get("content-type") != "application/x-www-form-urlencoded":
                self.problems.append(f"POST {url.path} not form-encoded")
            key = headers.get("idempotency-key")
            if not key:
                self.problems.append(f"POST {url.path} without Idempotency-Key")
            elif (method, url.path, key) in self._idempotent:
                earlier_params, answer = self._idempotent[(method, url.path, key)]
                if earlier_params != params:
                    return 400, _error(
                        "idempotency_error",
                        "Keys for idempotent requests can only be used "
                        "with the same parameters they were first used with.",
                    )
                return answer
        if self.fail_next:
            self.fail_next -= 1
            return 500, _error("api_error", "Something went wrong on Stripe's end.")
        answer = self._route(method, url.path, params)
        if method == "POST" and headers.get("idempotency-key") and answer[0] == 200:
            self._idempotent[(method, url.path, headers["idempotency-key"])] = (params, answer)
        return answer

    def _route(self, method, path, params):
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/payment_intents":
            return self._create_intent(params)
        if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            intent = self.intents.get(parts[2])
            if intent is None:
                return 404, _error(
                    "invalid_request_error", f"No such payment_intent: '{parts[2]}'", code="resource_missing"
                )
            answer = copy.deepcopy(intent)
            if "latest_charge" in (params.get("expand") or []) and answer["latest_charge"]:
                answer["latest_charge"] = copy.deepcopy(self.charges[answer["latest_charge"]])
            return 200, answer
        if method == "POST" and parts[:2] == ["v1", "payment_intents"] and parts[3:] == ["cancel"]:
            return self._cancel_intent(parts[2], params)
        if method == "POST" and path == "/v1/refunds":
            return self._create_refund(params)
        if method == "GET" and path == "/v1/refunds":
            data = [r for r in self.refunds.values() if r["payment_intent"] == params.get("payment_intent")]
            return 200, {
                "object": "list",
                "data": copy.deepcopy(data),
                "has_more": False,
                "url": "/v1/refunds",
            }
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    def _create_intent(self, params):
        try:
            amount = int(params["amount"])
        except (KeyError, ValueError):
            return 400, _error("invalid_request_error", "Missing required param: amount.", param="amount")
        if amount < 1 or not params.get("currency"):
            return 400, _error("invalid_request_error", "Invalid amount or currency.")
        intent_id = self._id("pi")
        self.intents[intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0,
            "currency": params["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{intent_id[::-1]}",
            "capture_method": "automatic",
            "confirmation_method": "automatic",
            "created": int(time.time()),
            "description": params.get("description"),
            "latest_charge": None,
            "last_payment_error": None,
            "livemode": False,
            "metadata": params.get("metadata", {}),
            "next_action": None,
            "payment_method": None,
            "payment_method_options": params.get("payment_method_options", {}),
            "payment_method_types": params.get("payment_method_types", []),
            "cancellation_reason": None,
        }
        return 200, copy.deepcopy(self.intents[intent_id])

    def _cancel_intent(self, intent_id, params):
        intent = self.intents.get(intent_id)
        if intent is None:
            return 404, _error(
                "invalid_request_error", f"No such payment_intent: '{intent_id}'", code="resource_missing"
            )
        if intent["status"] in ("succeeded", "canceled"):
            return 400, _error(
                "invalid_request_error",
                f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.",
                code="payment_intent_unexpected_state",
            )
        intent.update(
            status="canceled", cancellation_reason=params.get("cancellation_reason"), next_action=None
        )
        return 200, copy.deepcopy(intent)

    def _create_refund(self, params):
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None or intent["status"] != "succeeded":
            return 400, _error(
                "invalid_request_error", "This PaymentIntent has no successful charge to refund."
            )
        charge = self.charges[intent["latest_charge"]]
        amount = int(params.get("amount", charge["amount"] - charge["amount_refunded"]))
        pending = sum(
            r["amount"]
            for r in self.refunds.values()
            if r["charge"] == charge["id"] and r["status"] in ("pending", "succeeded")
        )
        if amount > charge["amount"] - pending:
            return 400, _error(
                "invalid_request_error",
                "Refund amount is greater than the unrefunded amount.",
                code="charge_already_refunded",
            )
        refund_id = self._id("re")
        self.refunds[refund_id] = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "metadata": params.get("metadata", {}),
            "payment_intent": intent["id"],
            "reason": None,
            "status": "pending",
            "balance_transaction": None,
        }
        return 200, copy.deepcopy(self.refunds[refund_id])


def _error(kind, message, **extra):
    return {"error": {"type": kind, "message": message, **extra}}


class _Handler(BaseHTTPRequestHandler):
    double: StripeDouble

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        headers = {key.lower(): value for key, value in self.headers.items()}
        with self.double._lock:
            status, answer = self.double.handle(self.command, self.path, body, headers)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Request-Id", f"req_{len(self.double.requests)}")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = _serve

    def log_message(self, *args):
        pass


def serve() -> tuple[StripeDouble, ThreadingHTTPServer]:
    double = StripeDouble()
    handler = type("Handler", (_Handler,), {"double": double})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    double.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return double, server
