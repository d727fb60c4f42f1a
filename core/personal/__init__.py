"""Personal data's primitives: the catalogue, the role gate in front of it and the sealing of held records.

Above `core.uow` and below the invoicing core, which reads customers through them; the GDPR use cases (requests,
export, erasure, retention) are `core.privacy`.
"""
