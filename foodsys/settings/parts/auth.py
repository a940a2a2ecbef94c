"""Authentication: Argon2 passwords, JWT, Google sign-in (on when its key and secret are set)."""

from foodsys.env import optional

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

SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = optional("GOOGLE_OAUTH2_KEY")
SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = optional("GOOGLE_OAUTH2_SECRET")
# Client ids of our own mobile apps whose Google access tokens POST /api/auth/google/ also accepts.
GOOGLE_OAUTH2_EXTRA_CLIENT_IDS = [c for c in optional("GOOGLE_OAUTH2_EXTRA_CLIENT_IDS").split(",") if c]
GOOGLE_OAUTH2_ENABLED = bool(SOCIAL_AUTH_GOOGLE_OAUTH2_KEY and SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET)

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if GOOGLE_OAUTH2_ENABLED:
    AUTHENTICATION_BACKENDS.insert(0, "social_core.backends.google.GoogleOAuth2")

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
    "social_core.pipeline.social_auth.associate_by_email",
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
)
SOCIAL_AUTH_USER_FIELDS = ["email", "name"]
# Google's "fullname" fills User.name once; a name the user already has is kept.
SOCIAL_AUTH_USER_FIELD_MAPPING = {"fullname": "name"}
SOCIAL_AUTH_IMMUTABLE_USER_FIELDS = ["name"]
# Browser-flow failures (consent declined, unverified email) go back to the login page with a message.
SOCIAL_AUTH_LOGIN_ERROR_URL = "/accounts/login/"
