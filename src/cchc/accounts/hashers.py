"""Password hashing: Argon2id at OWASP's documented minimum.

Django's default Argon2 cost (100 MiB, two passes, 8 lanes) takes about 0.2
CPU-seconds per login; 100 people logging in at the start of a working day held a 2-core
server for 20 CPU-seconds and queued every page behind them. OWASP's Password Storage
Cheat Sheet (https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html,
"Argon2id") names m=19 MiB, t=2, p=1 as the minimum configuration; it costs about an
eighth as much here. Online guessing is stopped by the lockout (django-axes) long before
the hash's cost matters.

The algorithm name stays "argon2", so hashes made with Django's parameters still verify;
`must_update` sees the other parameters and the login re-hashes the password with these.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
