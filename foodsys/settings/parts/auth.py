"""Authentication: Argon2 passwords, JWT, Google sign-in (on when its key and secret are set)."""

from datetime import timedelta

from foodsys.env import env, optional

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# JWT. CHECK_REVOKE_TOKEN binds every token to the password it was issued under (a digest of the stored
# hash in the REVOKE_TOKEN_CLAIM claim): any change of the password, by any path, revokes the tokens
# issued before it. Rotation blacklists the presented refresh token; accounts/tokens.py adds the family.
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "CHECK_REVOKE_TOKEN": True,
    "REVOKE_TOKEN_CLAIM": "pwd",
}
# However often it is rotated, a refresh token family (one sign-in) ends this long after the sign-in.
JWT_REFRESH_FAMILY_LIFETIME = timedelta(days=env.int("JWT_REFRESH_FAMILY_DAYS", default=30))
# How long a password-reset link works (seconds; Django's token, single use: it hashes the password).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3600)

SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = optional("GOOGLE_OAUTH2_KEY")
SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = optional("GOOGLE_OAUTH2_SECRET")
# Client ids of our own mobile apps whose Google access tokens POST /api/auth/google/ also accepts.
GOOGLE_OAUTH2_EXTRA_CLIENT_IDS = [c for c in optional("GOOGLE_OAUTH2_EXTRA_CLIENT_IDS").split(",") if c]
GOOGLE_OAUTH2_ENABLED = bool(SOCIAL_AUTH_GOOGLE_OAUTH2_KEY and SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET)

# The login throttle's gate comes first: it refuses every password check made through authenticate()
# (API, login page, admin, ...) while the failed-login budget is spent, and authenticates nobody.
LOGIN_THROTTLE_BACKEND = "accounts.backends.LoginThrottleBackend"
AUTHENTICATION_BACKENDS = [LOGIN_THROTTLE_BACKEND, "django.contrib.auth.backends.ModelBackend"]
if GOOGLE_OAUTH2_ENABLED:
    AUTHENTICATION_BACKENDS.insert(1, "social_core.backends.google.GoogleOAuth2")

SOCIAL_AUTH_USER_MODEL = "accounts.User"
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_JSONFIELD_ENABLED = True
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/dashboard/"
SOCIAL_AUTH_GOOGLE_OAUTH2_SCOPE = ["openid", "email", "profile"]
SOCIAL_AUTH_PIPELINE = (
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    "accounts.social_pipeline.require_verified_email",
    "accounts.social_pipeline.refuse_inactive_account",
    "accounts.social_pipeline.associate_by_verified_email",  # not social-core's: verified accounts only
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    "accounts.social_pipeline.mark_email_verified",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
)
SOCIAL_AUTH_USER_FIELDS = ["email", "name"]
# Google's "fullname" fills User.name once; a name the user already has is kept.
SOCIAL_AUTH_USER_FIELD_MAPPING = {"fullname": "name"}
SOCIAL_AUTH_IMMUTABLE_USER_FIELDS = ["name"]
# Browser-flow failures (consent declined, unverified email) go back to the login page with a message.
SOCIAL_AUTH_LOGIN_ERROR_URL = "/accounts/login/"
