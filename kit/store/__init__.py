"""Persistence for Breakthrough Kit: one ``Store`` over SQLite or PostgreSQL.

    from kit.store import Store, Actor
    with Store.open() as store:                       # KIT_DATABASE_URL or the user's data dir
        me = store.join("KXM-4Q7")                    # a participant of that team
        saved = store.get(Aim, aim_id, me)
        store.save(saved.record.model_copy(update={"what": "..."}), me,
                   expected_version=saved.version)    # Conflict if someone saved since

Signing in and joining take ``client=`` (the UI passes the request's address or session):
wrong codes are then limited per client and a locked-out client gets ``TooManyAttempts``
saying when to try again (``kit/store/sign_in_limit.py``).

Workbooks (``kit.store.workbook``) and observation files (``kit.store.observation_import``)
are imported from their modules, so that opening a store does not load openpyxl.
"""

from kit.store.access import Actor
from kit.store.engine import default_database_url
from kit.store.sign_in_limit import SignInLimit, TooManyAttempts
from kit.store.store import ANY, Revision, Saved, Store

__all__ = [
    "ANY",
    "Actor",
    "Revision",
    "SignInLimit",
    "Saved",
    "Store",
    "TooManyAttempts",
    "default_database_url",
]
