from django.core.validators import RegexValidator

PASSWORD_MAX_LENGTH = 128  # on sign-up; sign-in accepts longer ones set elsewhere (e.g. the admin)

phone_validator = RegexValidator(r"^\+?[0-9][0-9 ()./-]{3,30}$", "Enter a phone number (digits, spaces, + ( ) - .).")
