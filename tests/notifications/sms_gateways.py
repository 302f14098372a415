"""Loopback SMS gateways that speak Aliyun's and Tencent Cloud's SendSms APIs.

Each one checks the request's signature the way the provider documents it (written here again,
not imported from notifications.sms, so a mistake in one is not repeated in the other) and
answers in the provider's response format. ``messages`` holds what was accepted.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY_ID = "LTAI-test-key-id"
SECRET = "test-secret-不要外传"


def _aliyun_encode(value: str) -> str:
    return urllib.parse.quote(value, safe="").replace("%7E", "~")


class Gateway:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.rejected: list[str] = []
        self.failures = 0  # answer the next N requests with a server error
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # http.server's naming
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if gateway.failures:
                    gateway.failures -= 1
                    status, answer = 503, {"message": "busy"}
                else:
                    status, answer = gateway.handle(self, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def handle(self, request, body: bytes) -> tuple[int, dict]:
        raise NotImplementedError

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class AliyunGateway(Gateway):
    """Dysmsapi 2017-05-25 SendSms, RPC style, signature version 1.0 (HMAC-SHA1)."""

    def handle(self, request, body: bytes) -> tuple[int, dict]:
        params = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        signature = params.pop("Signature", "")
        canonical = "&".join(
            f"{_aliyun_encode(k)}={_aliyun_encode(params[k])}" for k in sorted(params)
        )
        to_sign = "POST&%2F&" + _aliyun_encode(canonical)
        expected = base64.b64encode(
            hmac.new(f"{SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        ).decode()
        request_id = "F655A8D5-B967-440B-8683-DAD6FF8DE990"
        required = {
            "Action": "SendSms",
            "Version": "2017-05-25",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureVersion": "1.0",
            "AccessKeyId": KEY_ID,
        }
        if any(params.get(k) != v for k, v in required.items()) or signature != expected:
            self.rejected.append(signature)
            return 400, {
                "RequestId": request_id,
                "Code": "SignatureDoesNotMatch",
                "Message": "Specified signature is not matched with our calculation.",
            }
        self.messages.append(
            {
                "phone": params["PhoneNumbers"],
                "sign_name": params["SignName"],
                "template": params["TemplateCode"],
                "params": json.loads(params["TemplateParam"]),
            }
        )
        return 200, {
            "Message": "OK",
            "RequestId": request_id,
            "BizId": f"9006197469364984{len(self.messages):03d}^0",
            "Code": "OK",
        }


class TencentGateway(Gateway):
    """SMS 2021-01-11 SendSms, TC3-HMAC-SHA256."""

    def handle(self, request, body: bytes) -> tuple[int, dict]:
        headers = request.headers
        timestamp = headers.get("X-TC-Timestamp", "0")
        date = dt.datetime.fromtimestamp(int(timestamp), dt.UTC).strftime("%Y-%m-%d")
        canonical_request = (
            f"POST\n/\n\ncontent-type:{headers.get('Content-Type')}\n"
            f"host:{headers.get('Host')}\n\ncontent-type;host\n"
            f"{hashlib.sha256(body).hexdigest()}"
        )
        scope = f"{date}/sms/tc3_request"
        to_sign = (
            f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n"
            f"{hashlib.sha256(canonical_request.encode()).hexdigest()}"
        )
        key = hmac.new(f"TC3{SECRET}".encode(), date.encode(), hashlib.sha256).digest()
        key = hmac.new(key, b"sms", hashlib.sha256).digest()
        key = hmac.new(key, b"tc3_request", hashlib.sha256).digest()
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        expected = (
            f"TC3-HMAC-SHA256 Credential={KEY_ID}/{scope}, "
            f"SignedHeaders=content-type;host, Signature={signature}"
        )
        request_id = "a0aabda6-cf91-4f3e-a81f-9198114a2279"
        valid = (
            headers.get("Authorization") == expected
            and headers.get("X-TC-Action") == "SendSms"
            and headers.get("X-TC-Version") == "2021-01-11"
        )
        if not valid:
            self.rejected.append(headers.get("Authorization", ""))
            return 200, {
                "Response": {
                    "Error": {
                        "Code": "AuthFailure.SignatureFailure",
                        "Message": "The provided credentials could not be validated.",
                    },
                    "RequestId": request_id,
                }
            }
        payload = json.loads(body)
        (phone,) = payload["PhoneNumberSet"]
        self.messages.append(
            {
                "phone": phone,
                "app_id": payload["SmsSdkAppId"],
                "sign_name": payload["SignName"],
                "template": payload["TemplateId"],
                "params": payload["TemplateParamSet"],
            }
        )
        return 200, {
            "Response": {
                "SendStatusSet": [
                    {
                        "SerialNo": f"5000:1045710669157053657849499{len(self.messages):03d}",
                        "PhoneNumber": phone,
                        "Fee": 1,
                        "SessionContext": "",
                        "Code": "Ok",
                        "Message": "send success",
                        "IsoCode": "CN",
                    }
                ],
                "RequestId": request_id,
            }
        }


TEMPLATES = {
    "visitor_receipt": "SMS_100001",
    "visitor_extension": "SMS_100002",
    "visitor_result_ready": "SMS_100003",
    "visitor_rework": "SMS_100004",
}


def configure(settings, backend: str, gateway: Gateway) -> None:
    settings.SMS_BACKEND = backend
    settings.SMS_ENDPOINT = gateway.url
    settings.SMS_ACCESS_KEY_ID = KEY_ID
    settings.SMS_ACCESS_KEY_SECRET = SECRET
    settings.SMS_SIGN_NAME = "首问服务中心"
    settings.SMS_APP_ID = "1400006666"
    settings.SMS_TEMPLATES = TEMPLATES
