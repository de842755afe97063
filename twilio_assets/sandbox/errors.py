"""Twilio's error body, raised from anywhere in request handling."""

from __future__ import annotations


class ApiError(Exception):
    """An HTTP error answered with Twilio's {code, message, more_info, status} body."""

    def __init__(self, status: int, code: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def body(self) -> dict:
        return error_body(self.status, self.code, self.message)


def error_body(status: int, code: int, message: str) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def authenticate_error() -> ApiError:
    # Twilio answers every credential problem this way, including subaccount
    # credentials used on another account's path (docs for error 20003).
    return ApiError(401, 20003, "Authenticate", {"WWW-Authenticate": 'Basic realm="Twilio API"'})


def not_found(path: str) -> ApiError:
    return ApiError(404, 20404, f"The requested resource {path} was not found")


def invalid_parameter(message: str) -> ApiError:
    return ApiError(400, 20001, message)
