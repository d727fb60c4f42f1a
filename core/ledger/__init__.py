"""The ledger: the audit chain's primitives the unit of work writes with (entries, checkpoints, keys, reads).

Below `core.uow`; the audit use cases that run on a unit of work (verify a store, bundles, heads) are `core.audit`.
"""
