"""ZATCA e-invoicing (Fatoora): UBL 2.1 documents, validation, the cryptographic stamp, QR, onboarding and submission."""
