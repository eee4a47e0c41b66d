from tests.access.matrix import Case, expect

CASES = [
    # The health endpoint is for load balancers: open to all, the same answer for everyone.
    Case("healthz", expected=expect(anonymous=200, other_liaison=200)),
]
