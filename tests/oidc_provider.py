"""A local OpenID Connect provider for the tests (issue 23), built with Authlib's JOSE library
(joserfc) and Flask, served over real HTTP on a free port: discovery, an authorisation endpoint
that signs the configured person in at once, a token endpoint that checks the client and the
PKCE verifier (S256), the key set, and end-session. `forge` signs ID tokens with a key the key
set does not hold; `expired` makes them expired; `claims` adds or replaces claims."""

import base64
import hashlib
import secrets
import threading
import time
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from tests.directory_server import free_port

CLIENT_ID = "thaksa"
CLIENT_SECRET = "thaksa-client-secret"


class Provider:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.claims = {"sub": "u-1001", "email": "somchai.j@bma.go.th"}
        self.forge = False
        self.expired = False
        self.codes: dict[str, dict] = {}
        self.seen: list[dict] = []  # the authorisation requests, as received
        self.app = self._build()
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def discovery(self) -> str:
        return self.url + "/.well-known/openid-configuration"

    def start(self) -> "Provider":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()

    def _build(self) -> Flask:
        app = Flask("provider")
        provider = self

        @app.get("/.well-known/openid-configuration")
        def metadata():
            return jsonify(
                issuer=provider.url,
                authorization_endpoint=provider.url + "/authorize",
                token_endpoint=provider.url + "/token",
                jwks_uri=provider.url + "/jwks",
                end_session_endpoint=provider.url + "/logout",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[provider.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            args = request.args.to_dict()
            provider.seen.append(args)
            if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
                return "unknown client", 400
            code = secrets.token_urlsafe(16)
            provider.codes[code] = args
            query = urlencode({"code": code, "state": args.get("state", "")})
            return redirect(f"{args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            form = request.form
            client_id, secret = _client_of(request)
            if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify(error="invalid_client"), 401
            asked = provider.codes.pop(form.get("code", ""), None)
            if asked is None or asked["redirect_uri"] != form.get("redirect_uri"):
                return jsonify(error="invalid_grant"), 400
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if asked.get("code_challenge_method") != "S256" or challenge != asked.get(
                "code_challenge"
            ):
                return jsonify(error="invalid_grant", error_description="PKCE"), 400
            now = int(time.time()) - (7200 if provider.expired else 0)
            claims = {
                "iss": provider.url,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 300,
                "nonce": asked.get("nonce"),
                **provider.claims,
            }
            key = provider.other_key if provider.forge else provider.key
            id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
            return jsonify(
                access_token=secrets.token_urlsafe(16),
                token_type="Bearer",
                expires_in=300,
                id_token=id_token,
            )

        @app.get("/logout")
        def logout():
            return "signed out of the provider"

        return app


def _client_of(req) -> tuple[str, str]:
    if req.authorization and req.authorization.type == "basic":
        return req.authorization.username or "", req.authorization.password or ""
    return req.form.get("client_id", ""), req.form.get("client_secret", "")
