"""Composition root: from validated settings to an open company (keys, clock, actor) and its ZATCA transports."""

from __future__ import annotations

import getpass
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select

from core.audit.signing import DEVICE_KEY_SECRET, DeviceKey
from core.clock import Clock, system_clock
from core.config import Settings
from core.errors import AlreadyExistsError, ConfigError, NotFoundError, SecretStoreError, StoreError
from core.files import private_dir
from core.secrets.master import MasterKeySource
from core.secrets.store import SecretStore
from core.store.busy import BusyPolicy
from core.store.database import open_database
from core.store.models import Device, StaffUser
from core.store.paths import CompanyPaths as CompanyPaths  # re-exported: callers name it from here
from core.store.paths import company_paths as company_paths
from core.uow import Context, UnitOfWork

if TYPE_CHECKING:
    from core.payments import PaymentProvider
    from core.zatca.api import FatooraClient

PAYMENTS_KEY_SECRET = "payments.api_key"


def open_company(settings: Settings, *, create: bool = False, clock: Clock = system_clock,
                 environ: Mapping[str, str] | None = None, username: str | None = None) -> Context:
    """Open the configured company (creating its store, device key and first audit entry when `create`)."""
    paths = company_paths(settings.data_dir, settings.company)
    if create:
        _refuse_existing(settings, paths)
    if not create and not paths.db.exists():
        raise StoreError(
            f"There is no company '{settings.company}' in {paths.db.parent}.",
            fix="Create it with `qayd init` (or `qayd init --demo`), or pick another with --company/--data-dir.",
        )
    source = MasterKeySource(settings.secrets.master_key_source, settings.data_dir,
                             settings.secrets.master_key_file, environ)
    master = source.load(create=create)
    private_dir(private_dir(settings.data_dir) / "companies")  # 0700 (issue 12 point 9), older installs narrowed
    db = open_database(paths.db, create=create, busy=BusyPolicy(timeout=settings.store.busy_timeout))
    with db.reader() as session:
        device = session.scalars(select(Device).where(Device.is_local.is_(True))).one_or_none()
        key = DeviceKey.from_bytes(SecretStore(session, master, uuid.UUID(int=0)).get(DEVICE_KEY_SECRET)) \
            if device is not None else DeviceKey.generate()
        device_id = device.id if device is not None else uuid.uuid4()
    ctx = Context(db=db, device_id=device_id, clock=clock, master_key=master, device_key=key, head_file=paths.head,
                  checkpoint_every=settings.audit.checkpoint_every, anchor=source.head_anchor(settings.company),
                  draft_prechecks=(_gate_precheck,))
    if device is None:
        _register_device(ctx, key)
    ctx.actor, ctx.actor_role = _actor(ctx, username or _os_user())
    return ctx


T = TypeVar("T")


def _refuse_existing(settings: Settings, paths: CompanyPaths) -> None:
    if paths.db.exists():
        raise AlreadyExistsError(f"Company '{settings.company}' already exists in {paths.db.parent}.",
                                 fix="Pick another name with --company, or open it without `init`.")


def new_company(settings: Settings, fill: Callable[[Context], T], *, clock: Clock = system_clock,
                environ: Mapping[str, str] | None = None, username: str | None = None) -> tuple[Context, T]:
    """Create the configured company and `fill` it (a profile, or the demo's data and documents) as one step.

    A failure or a cancel anywhere, in creating the store or in filling it, removes the new store's files, so the
    next try starts clean instead of meeting "already exists" over a half-made company. (The install's master key
    stays: it belongs to the install. A head anchor written meanwhile names this store's device; the next store's
    device replaces it with its first commit.) A company that already exists is never touched.
    """
    paths = company_paths(settings.data_dir, settings.company)
    _refuse_existing(settings, paths)  # checked before anything is made: an existing company is never removed
    ctx: Context | None = None
    try:
        ctx = open_company(settings, create=True, clock=clock, environ=environ, username=username)
        return ctx, fill(ctx)
    except BaseException:
        if ctx is not None:
            ctx.close()
        remove_new_store(paths)
        raise


def remove_new_store(paths: CompanyPaths) -> None:
    """Delete a store `new_company` made and could not finish: the database, its WAL files and its head file."""
    for path in (paths.db, paths.head, paths.db.with_name(paths.db.name + "-wal"),
                 paths.db.with_name(paths.db.name + "-shm")):
        path.unlink(missing_ok=True)


def zatca_client(settings: Settings, environment: str) -> FatooraClient:
    """The Fatoora portal transport for `environment` ("sandbox", "simulation", "production"): the configured base
    URL (a proxy, or a local test portal) or the environment's own, answering in the install's language.

    Commands and views ask for transports here, so which portal an install talks to is decided in one place.
    """
    from core.zatca.api import BASE_URLS, FatooraClient  # httpx stays out of start-up

    return FatooraClient(settings.zatca.base_url or BASE_URLS[environment], language=settings.language)


def zatca_transports(settings: Settings) -> Callable[[str], FatooraClient]:
    """A factory of portal transports by environment, as `core.zatca.submit_pending` and onboarding take it."""
    return lambda environment: zatca_client(settings, environment)


def payment_provider(settings: Settings, ctx: Context) -> PaymentProvider:
    """The configured payment gateway's adapter (`[payments] provider`, a name of core.payments.PROVIDERS), with
    its key from the secret store (`payments.api_key`, its use audited) and the configured base URL.

    Built here, not in commands, so which gateway an install talks to is decided in one place; the adapter's
    module (and the provider's SDK) is imported only now, never at start-up.
    """
    import importlib

    from core.payments import PROVIDERS

    name = settings.payments.provider
    if name not in PROVIDERS:
        raise ConfigError([f'payments.provider = "{name}": not a payment provider Qayd knows; '
                           f"use one of {', '.join(sorted(PROVIDERS))}"])
    with ctx.uow(write=False) as uow:
        try:  # the read is audited (without the value) in a write transaction of its own
            key = uow.secrets.get(PAYMENTS_KEY_SECRET).decode("utf-8")
        except NotFoundError:
            raise SecretStoreError(f"There is no API key for the payment provider {name!r}.",
                                   fix=f"Store it with `qayd secrets set {PAYMENTS_KEY_SECRET}` "
                                       "(the value is read from stdin).") from None
    module_name, class_name = PROVIDERS[name].split(":")
    provider_class = getattr(importlib.import_module(module_name), class_name)
    return provider_class(api_key=key, base_url=settings.payments.base_url)  # type: ignore[no-any-return]


@contextmanager
def payment_provider_for(settings: Settings, ctx: Context) -> Iterator[PaymentProvider]:
    """`payment_provider` for one piece of work (a command, a poll), its connections closed after: adapters that
    hold an HTTP client have `close()`; nothing stays open between polls."""
    provider = payment_provider(settings, ctx)
    try:
        yield provider
    finally:
        close = getattr(provider, "close", None)
        if callable(close):
            close()


def _gate_precheck(uow: UnitOfWork, drafts: Sequence[Any], *, rules_passed: bool = False) -> object:
    """The ZATCA gate's check of saved drafts (core.zatca.gate.precheck), imported only when a draft is saved."""
    from core.zatca.gate import precheck  # lxml and the XSD stay out of start-up

    return precheck(uow, drafts, rules_passed=rules_passed)


def _register_device(ctx: Context, key: DeviceKey) -> None:
    with ctx.uow() as uow:
        now = uow.now()
        uow.session.add(Device(id=ctx.device_id, is_local=True, name=socket.gethostname()[:200],
                               public_key=key.public_bytes(), created_at=now))
        uow.secrets.set(DEVICE_KEY_SECRET, key.private_bytes(), now=now)
        uow.audit.append("device.registered", f"device:{ctx.device_id}",
                         {"public_key": key.public_bytes().hex()})
        uow.commit()


def _actor(ctx: Context, username: str) -> tuple[str, str]:
    """The acting staff user's id (audit entries name ids, never people) and role, registering the user once.

    The first user of a company (who created it) is its admin; later ones start as clerks.
    """
    with ctx.uow() as uow:
        user = uow.session.scalars(select(StaffUser).where(StaffUser.username == username)).one_or_none()
        if user is None:
            now = uow.now()
            first = uow.session.scalar(select(StaffUser.id).limit(1)) is None
            user = StaffUser(id=uuid.uuid4(), username=username, display_name=username, created_at=now,
                             updated_at=now, device_id=ctx.device_id, role="admin" if first else "clerk")
            uow.session.add(user)
            uow.audit.append("user.registered", f"user:{user.id}", {"role": user.role},
                             personal={"username": username})
            uow.commit()
        return f"user:{user.id}", user.role


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
