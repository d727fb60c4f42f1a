"""The vault: the cipher (AES-GCM) and the sealed secret table the unit of work opens; below `core.uow`.

The secrets use cases (the master key's source, setting, rotating, listing) are `core.secrets`.
"""
