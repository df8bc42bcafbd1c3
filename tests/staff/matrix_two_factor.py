"""Permission-matrix rows of the account's two-factor pages (issue 9).

The matrix clients of management, privacy officer and admin are verified with a real device (``mark_verified``);
the clinicians have none and are not required to: they may open enrolment, and verification sends them on."""

from tests.permissions import LOGGED_IN, POST_ONLY_GET, Row, expect

ENROLLED_AND_VERIFIED = {"manager": 302, "privacy_officer": 302, "admin": 302}

ROWS = [
    Row("account:security", "get", lambda o: [], LOGGED_IN),
    # enrolled people are sent to their security page; the clinicians see the QR code
    Row("account:two-factor-enrol", "get", lambda o: [], expect(200, anonymous=302, **ENROLLED_AND_VERIFIED)),
    # verified sessions go on to ?next=, clinicians without a device to their security page
    Row("account:two-factor-verify", "get", lambda o: [], expect(302)),
    # new backup codes for a person with an authenticator app (shown once, 200); without one: back with a message
    Row(
        "account:backup-codes-regenerate",
        "post",
        lambda o: [],
        expect(302, manager=200, privacy_officer=200, admin=200),
    ),
    Row("account:backup-codes-regenerate", "get", lambda o: [], POST_ONLY_GET),
    # turning it off: refused for the required roles, nothing to remove for the clinicians; both back to the page
    Row("account:two-factor-remove", "post", lambda o: [], expect(302)),
    Row("account:two-factor-remove", "get", lambda o: [], POST_ONLY_GET),
    # the session's own state as JSON (the benchmark's trivial view): any logged-in person
    Row("account:session", "get", lambda o: [], LOGGED_IN),
]
