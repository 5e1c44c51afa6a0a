from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.search import normalise
from core.models import BaseModel, HistoricalRecords

MANAGERS_GROUP = "managers"
REVIEWERS_GROUP = "reviewers"


class Language(models.TextChoices):
    EN = "en", _("English")
    VI = "vi", _("Vietnamese")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Logins are case-insensitive: the email is stored lower-cased.
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email is required.")
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


def normalize_email(email: str) -> str:
    return email.strip().lower()


# What a person changes on their own profile (/auth/me/), what a manager may also change
# (/users/{id}/; roles go through user_set_roles), and what user_update may write.
USER_PROFILE_WRITABLE = ("full_name", "language")
USER_MANAGED_WRITABLE = (*USER_PROFILE_WRITABLE, "is_active")
USER_WRITABLE = ("email", *USER_MANAGED_WRITABLE)


class User(BaseModel, AbstractBaseUser, PermissionsMixin):
    """A person with a login: managers, reviewers, applicants and representatives."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.EN
    )
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can log into the admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Kept by save(): email and name, lower case, without diacritics (accounts/search.py).
    search_text = models.CharField(max_length=500, editable=False, db_index=True, default="")
    history = HistoricalRecords(excluded_fields=["password", "last_login", "search_text"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_code="unique",
                violation_error_message=_("A user with this email already exists."),
            )
        ]
        indexes = [
            # issue 17: an index per list ordering (`?ordering=` and the default), each with the
            # id as tie-breaker, so a page never sorts the whole table (tests/perf).
            models.Index(fields=["full_name", "id"], name="user_full_name_id"),
            models.Index(fields=["date_joined", "id"], name="user_date_joined_id"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        self.search_text = normalise(f"{self.email} {self.full_name}")[:500]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"email", "full_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def is_manager(self) -> bool:
        return is_manager(self)

    # A manager may do everything in the admin: their role is the permission, so the
    # managers group needs no per-model permission rows kept in step with every migration.
    def has_perm(self, perm, obj=None) -> bool:
        return (self.is_active and is_manager(self)) or super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        return (self.is_active and is_manager(self)) or super().has_module_perms(app_label)


def _group_names(user) -> set[str]:
    # Cached on the instance: one query per user per request, and none when the list
    # selector prefetched `groups`.
    if not hasattr(user, "_group_names_cache"):
        user._group_names_cache = {group.name for group in user.groups.all()}
    return user._group_names_cache


def remember_role_groups(user, *, in_managers: bool, in_reviewers: bool) -> None:
    """Seed the cache above from flags a query already read (accounts.selectors'
    tokens_for_authentication), so the role checks below cost no query. Only the two role
    groups are known then; nothing else reads these names."""
    names = (MANAGERS_GROUP, in_managers), (REVIEWERS_GROUP, in_reviewers)
    user._group_names_cache = {name for name, member in names if member}


def is_manager(user) -> bool:
    """A superuser, or a member of the `managers` group."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or MANAGERS_GROUP in _group_names(user)


def is_reviewer(user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return REVIEWERS_GROUP in _group_names(user)
