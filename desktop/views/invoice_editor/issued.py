"""The editor's preview of an issued document: its QR code (drawn, and each TLV tag read back) and its stored XML."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter, QPixmap
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from core.reports import qr_matrix
from core.zatca import decode_tlv
from core.zatca import describe_qr as describe
from desktop.i18n import tr

SHOWN_CHARS = 64  # a longer tag value (hash, signature, key) is cut, whole in its tooltip


def qr_tag_names() -> dict[int, str]:
    return {1: tr("InvoiceEditor", "Seller name"), 2: tr("InvoiceEditor", "VAT registration number"),
            3: tr("InvoiceEditor", "Timestamp"), 4: tr("InvoiceEditor", "Invoice total (with VAT)"),
            5: tr("InvoiceEditor", "VAT total"), 6: tr("InvoiceEditor", "Invoice hash"),
            7: tr("InvoiceEditor", "ECDSA signature"), 8: tr("InvoiceEditor", "ECDSA public key"),
            9: tr("InvoiceEditor", "Certificate signature (ZATCA CA)")}


def qr_image(text: str, *, scale: int = 4, border: int = 4) -> QImage:
    """The QR code of `text` drawn module by module, with its quiet zone (the matrix is the printed copy's:
    `core.reports.qr_draw`, a few ms where pure-Python `qrcode` takes 40-95 ms on the UI thread)."""
    modules = qr_matrix(text)
    size = (len(modules) + 2 * border) * scale
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    black = QColor("black")
    for y, row in enumerate(modules, start=border):
        for x, dark in enumerate(row, start=border):
            if dark:
                painter.fillRect(x * scale, y * scale, scale, scale, black)
    painter.end()
    return image


class IssuedPreview(QWidget):
    """The QR code with its tags beside the XML as stored (the signed copy, or ZATCA's cleared one)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.qr_label = QLabel(objectName="qrImage")
        self.qr_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_fields = QFormLayout()
        self.xml_copy = QLabel(objectName="xmlCopy")
        self.xml_text = QPlainTextEdit(objectName="xmlText")
        self.xml_text.setReadOnly(True)
        self.xml_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.xml_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.xml_text.setLayoutDirection(Qt.LayoutDirection.LeftToRight)  # XML reads left to right in any language
        layout = QHBoxLayout(self)
        qr_column = QVBoxLayout()
        qr_column.addWidget(self.qr_label)
        qr_column.addLayout(self.qr_fields)
        qr_column.addStretch(1)
        xml_column = QVBoxLayout()
        xml_column.addWidget(self.xml_copy)
        xml_column.addWidget(self.xml_text, 1)
        layout.addLayout(qr_column, 1)
        layout.addLayout(xml_column, 2)

    def show_document(self, qr: str, xml: bytes, copy: str) -> None:
        """`qr`: the QR text (base64 TLV); `xml`: the stored XML; `copy`: "signed" or "cleared"."""
        if not qr:
            return
        self.qr_label.setPixmap(QPixmap.fromImage(qr_image(qr)))
        self._show_tags(qr)
        copies = {"cleared": tr("InvoiceEditor", "The XML as cleared by ZATCA"),
                  "signed": tr("InvoiceEditor", "The signed XML")}
        self.xml_copy.setText(copies.get(copy, ""))
        self.xml_text.setPlainText(xml.decode("utf-8", errors="replace"))

    def _show_tags(self, qr: str) -> None:
        while self.qr_fields.rowCount():
            self.qr_fields.removeRow(0)
        try:
            tags = decode_tlv(qr)
        except ValueError:
            tags = {}
        names = qr_tag_names()
        for tag, (_name, value) in zip(sorted(tags), describe(tags).items(), strict=True):
            cut = value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS - 3] + "…"
            text = QLabel(cut)
            text.setToolTip(value)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.qr_fields.addRow(names.get(tag, tr("InvoiceEditor", "Tag {n}").format(n=tag)), text)
