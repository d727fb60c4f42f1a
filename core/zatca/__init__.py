"""ZATCA e-invoicing (Fatoora): UBL 2.1, validation, the cryptographic stamp, QR, onboarding, submission."""
