"""No personal data leaves the desk: what the assistant sends is pseudonymised, and what comes back is restored.

A `Pseudonymiser` is made for one conversation from the store's own catalogue of personal data (customer rows and
buyer snapshots on invoices: names in both languages, their parts and first+last combinations, e-mail addresses,
phones, ids, individuals' VAT numbers) plus the recognisers of `core.privacy.identifiers` for what a person types
(Saudi ids and Iqamas, e-mails, Saudi mobiles, IBANs). `mask_text` replaces each value by a token, `unmask` puts the
text that was masked back; the mapping lives in this object only (memory, this desk) and is never written anywhere.

Tokens are upper-case ASCII `KIND_n` (PERSON_3, BUSINESS_1, NAME_2, EMAIL_1, PHONE_2, ID_1, VAT_1, IBAN_1): the kind
tells the model what the value is (it can say "send it to EMAIL_1"), ASCII capitals never occur in Arabic or in
ordinary English text, and `PSEUDONYM` finds them again in the model's answer. One value is one token for the whole
conversation; another written form of the same value (other case, "05…" for "+9665…") gets the same token with a
letter (PERSON_3b), so the model knows it is the same person and the person at the desk gets back what they typed.
The digit in a token is not a figure: a check of an answer's numbers must drop `PSEUDONYM` matches first.

Matching folds case, Arabic letter forms (أ/إ/آ/ٱ → ا, ة → ه, ى → ي, ؤ → و, ئ → ي), diacritics, tatweel, Arabic-Indic
digits, hyphens and runs of spaces; the longest name at a place wins, so a full name is replaced before its parts,
and Arabic proclitics before a name (و ف ب ل ك, ال, لل: "ولأحمد") are kept outside the token.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from core.assistant.model import ToolCall, Turn
from core.personal import sealing
from core.personal.roles import customer_fields_read, customer_subject, require_role, screen_customer
from core.privacy.identifiers import Kind, ascii_digits, find_personal_values, normalise_phone
from core.store import models as m

if TYPE_CHECKING:
    from core.uow import UnitOfWork

PURPOSE = "assistant"
SETTING = "assistant.send_business_names"
PSEUDONYM = re.compile(r"(?<![A-Za-z0-9_])(PERSON|BUSINESS|NAME|EMAIL|PHONE|ID|VAT|IBAN)_[0-9]+[b-z]*(?![A-Za-z0-9_])")

# Parts of a name too common to stand for a person on their own (family markers, and English words that are names).
_NOT_A_NAME = frozenset({
    "bin", "ibn", "bint", "binti", "abu", "abd", "abdul", "al", "el", "ul", "the", "and", "mr", "mrs", "ms", "dr",
    "will", "may", "mark", "rose", "grace", "hope", "faith", "joy", "bill", "sun", "co", "ltd", "llc", "est",
    "بن", "بنت", "ابن", "ابو", "ابي", "عبد", "ال", "ام", "شركه", "مؤسسه", "موسسه",
})
_ARABIC_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي",
                               "-": " ", "_": " ", "\u2010": " ", "\u2011": " ", "\u2013": " ", "\u00a0": " "})
_SILENT = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c-\u200f]")  # diacritics, tatweel
_WORD = re.compile(r"\w+")
_DIGIT_RUN = re.compile(r"\+?[0-9](?:[ .()\-]{0,2}[0-9])*")
# Nothing first, then what Arabic writes onto the front of a name: و ف, then ب ك ل, ال, لل ("ولأحمد", "والحربي").
_PROCLITICS = ("", *sorted({a + b for a in ("", "و", "ف") for b in ("", "ب", "ك", "ل", "ال", "بال", "كال", "لل")}
                           - {""}, key=len))
_LOWER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_VAT = re.compile(r"(?<![0-9])3[0-9]{13}3(?![0-9])")
_SA_IBAN = re.compile(r"(?<![0-9A-Z])SA ?[0-9]{2}(?: ?[0-9A-Z]){20}(?![0-9A-Z])")  # a mistyped check still hides


def _fold_char(ch: str) -> str:
    if _SILENT.fullmatch(ch):
        return ""
    return ascii_digits(unicodedata.normalize("NFKC", ch)).casefold().translate(_ARABIC_FORMS)


def fold(text: str) -> str:
    """The form names are compared in: case, Arabic letter forms, diacritics, tatweel, digits and spaces folded."""
    return " ".join("".join(_fold_char(c) for c in text).split())


def _folded_with_origins(text: str) -> tuple[str, list[int]]:
    """`fold(text)` without trimming, and for each of its characters the index in `text` it came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        for piece in _fold_char(ch):
            if piece.isspace():
                if out and out[-1] == " ":
                    continue
                piece = " "
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    key: str  # what the value is, one key per value (a customer's name, a normalised phone, an e-mail…)
    kind: str  # the token's kind


@dataclass(frozen=True, slots=True)
class _Entry:
    subject: str
    kind: str  # PERSON | BUSINESS
    names: tuple[str, ...]  # folded full names
    parts: tuple[str, ...]  # folded parts and combinations a person might type
    digits: tuple[tuple[str, str], ...]  # (kind, digits) of ids, VAT numbers and phones (national, 9 digits)
    literals: tuple[str, ...]  # other ids (passports, CRNs) matched as they are written


def _name_parts(name: str) -> set[str]:
    words = [w for w in name.split(" ") if w]
    parts = {w for w in words if len(w) >= 3 and w not in _NOT_A_NAME}
    parts |= {w[2:] for w in words if w.startswith("ال") and len(w) >= 5}  # الحربي → حربي
    meaningful = [w for w in words if w not in _NOT_A_NAME]
    parts |= {f"{a} {b}" for i, a in enumerate(meaningful) for b in meaningful[i + 1:]}  # first+last, …
    if len(meaningful) >= 2:
        parts.add(" ".join(meaningful))
    if len(words) >= 2:
        parts.add(f"{words[0]} {' '.join(words[-2:])}" if words[-2] in _NOT_A_NAME else f"{words[0]} {words[-1]}")
    return parts - {name}


def _entry(subject: str, individual: bool, values: dict[str, str]) -> _Entry:
    names = tuple(sorted({f for n in (values.get("name", ""), values.get("name_ar", "")) if (f := fold(n))}))
    parts = tuple(sorted(set().union(*(_name_parts(n) for n in names)))) if individual and names else ()
    digits: list[tuple[str, str]] = []
    literals: list[str] = []
    if individual and (vat := ascii_digits(values.get("vat_number", "")).strip()):
        digits.append(("VAT", vat))
    if id_value := ascii_digits(values.get("id_value", "")).strip():
        if id_value.isdigit():
            digits.append(("ID", id_value))
        elif len(id_value) >= 4:
            literals.append(id_value)
    if phone := normalise_phone(values.get("phone", "")):
        digits.append(("PHONE", phone[-9:]))
    return _Entry(subject, "PERSON" if individual else "BUSINESS", names, parts, tuple(digits), tuple(literals))


def _digit_forms(kind: str, digits: str) -> tuple[str, ...]:
    """The digit strings a value is typed as (separators aside): a phone with each of its prefixes."""
    return (digits, f"0{digits}", f"966{digits}", f"00966{digits}") if kind == "PHONE" else (digits,)


class Pseudonymiser:
    """The pseudonyms of one conversation: `mask_text`/`mask_json` before sending, `unmask` on what comes back."""

    def __init__(self, entries: Iterable[_Entry], *, passes: Iterable[str] = ()) -> None:
        self._passes = frozenset(passes)  # business VAT numbers the company lets go (the recogniser hides others)
        self._by_token: dict[str, str] = {}  # token → the text it replaced (first seen)
        self._tokens: dict[tuple[str, str], str] = {}  # (key, written form) → token
        self._base: dict[str, str] = {}  # key → its first token
        self._counts: dict[str, int] = {}  # kind → tokens given
        self._variants: dict[str, int] = {}  # key → other written forms seen
        self._names: dict[str, tuple[str, str]] = {}  # folded name → (key, kind)
        self._digits: dict[str, tuple[str, str]] = {}  # digits as typed (no separators) → (key, kind)
        self._literals: dict[str, tuple[str, str]] = {}  # other ids, case-folded
        owners: dict[str, set[str]] = {}
        for entry in entries:
            for name in entry.names:
                self._names[name] = (f"name:{entry.subject}", entry.kind)
            for part in entry.parts:
                owners.setdefault(part, set()).add(entry.subject)
            for kind, digits in entry.digits:
                key = f"phone:+966{digits}" if kind == "PHONE" else f"{kind.lower()}:{digits}"
                for form in _digit_forms(kind, digits):
                    self._digits.setdefault(form, (key, kind))
            for literal in entry.literals:
                self._literals.setdefault(literal.casefold(), (f"id:{literal.casefold()}", "ID"))
        for part, subjects in owners.items():
            if part not in self._names:  # a part several people share names none of them
                self._names[part] = (f"name:{next(iter(subjects))}", "PERSON") if len(subjects) == 1 else (
                    f"part:{part}", "NAME")
        self._longest = max((name.count(" ") + 1 for name in self._names), default=0)

    @classmethod
    def from_store(cls, uow: UnitOfWork, *, send_business_names: bool) -> Pseudonymiser:
        """Read the customers' personal values (each read logged with purpose "assistant") into a new pseudonymiser;
        business buyers' names and VAT numbers stay out of it when `send_business_names`."""
        entries, passes = [], []
        for row in uow.session.scalars(select(m.Customer).where(m.Customer.erased_at.is_(None))):
            individual = row.kind == "individual"
            if not screen_customer(uow, row, PURPOSE):  # a clerk is not shown it, but it is masked all the same
                uow.record_access(customer_subject(row.id), customer_fields_read(row), PURPOSE + " (masking only)",
                                  restricted=True)
            if individual or not send_business_names:
                entries.append(_entry(customer_subject(row.id), individual, {
                    "name": row.name, "name_ar": row.name_ar, "vat_number": row.vat_number,
                    "id_value": row.id_value, "phone": row.phone}))
            else:
                entries.append(_entry(customer_subject(row.id), False, {"id_value": "", "phone": row.phone}))
                passes.append(row.vat_number)
        entries += _buyer_snapshots(uow, send_business_names)
        return cls(entries, passes=passes)

    # --- masking --------------------------------------------------------------------------------------------------

    def mask_text(self, text: str) -> str:
        """`text` with every personal value the catalogue knows or the recognisers find replaced by its token."""
        merged: list[_Span] = []
        for span in sorted(self._spans(text), key=lambda s: (s.start, -(s.end - s.start))):
            if merged and span.start < merged[-1].end:  # overlapping values: one token over both, nothing half shown
                last = merged[-1]
                merged[-1] = _Span(last.start, max(last.end, span.end), last.key, last.kind)
            else:
                merged.append(span)
        out: list[str] = []
        at = 0
        for span in merged:
            out += [text[at:span.start], self._token(span.key, span.kind, text[span.start:span.end])]
            at = span.end
        out.append(text[at:])
        return "".join(out)

    def mask_json(self, value: Any) -> Any:
        """`value` (JSON-like: dicts, lists, strings, numbers) with every string inside it masked, keys too."""
        if isinstance(value, str):
            return self.mask_text(value)
        if isinstance(value, dict):
            return {self.mask_json(k): self.mask_json(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_json(v) for v in value]
        if isinstance(value, int) and not isinstance(value, bool) and (masked := self.mask_text(str(value))) != str(
                value):
            return masked  # a phone or an id stored as a number
        return value

    def mask_json_text(self, text: str) -> str:
        """A JSON document (a tool's result) masked value by value, so an escaped value cannot slip past."""
        return json.dumps(self.mask_json(json.loads(text)), ensure_ascii=False)

    def mask_turn(self, turn: Turn) -> Turn:
        """A turn as it may be sent: its text, its calls' arguments and its tools' results masked."""
        return replace(turn, text=self.mask_text(turn.text),
                       calls=tuple(replace(c, arguments=self.mask_json(dict(c.arguments))) for c in turn.calls),
                       results=tuple(replace(r, content=self._mask_content(r.content)) for r in turn.results))

    def unmask_call(self, call: ToolCall) -> ToolCall:
        """A tool call as the model made it, with the values it named restored, for core's read functions."""
        return replace(call, arguments=self.unmask_json(dict(call.arguments)))

    def _mask_content(self, content: str) -> str:
        try:
            return self.mask_json_text(content)
        except ValueError:  # a tool's result that is not JSON: masked as text
            return self.mask_text(content)

    def unmask(self, text: str) -> str:
        """`text` with every token of this conversation replaced by the text it stood for; other text unchanged."""
        return PSEUDONYM.sub(lambda found: self._by_token.get(found.group(), found.group()), text)

    def unmask_json(self, value: Any) -> Any:
        """As `unmask`, on every string inside a JSON-like value (the model's tool arguments)."""
        if isinstance(value, str):
            return self.unmask(value)
        if isinstance(value, dict):
            return {self.unmask_json(k): self.unmask_json(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.unmask_json(v) for v in value]
        return value

    @property
    def tokens(self) -> int:
        """How many tokens this conversation has given out (never which values)."""
        return len(self._by_token)

    def _token(self, key: str, kind: str, written: str) -> str:
        token = self._tokens.get((key, written))
        if token is None:
            base = self._base.get(key)
            if base is None:
                self._counts[kind] = self._counts.get(kind, 0) + 1
                token = base = self._base[key] = f"{kind}_{self._counts[kind]}"
            else:
                self._variants[key] = self._variants.get(key, 0) + 1
                token = base + _letters(self._variants[key])
            self._tokens[(key, written)] = token
            self._by_token[token] = written
        return token

    def _spans(self, text: str) -> list[_Span]:
        spans = self._name_spans(text)
        digits = ascii_digits(text)  # one character for one: positions are those of `text`
        spans += self._digit_spans(digits)
        if self._literals:
            spans += [_Span(f.start(), f.end(), *self._literals[f.group().casefold()])
                      for f in _WORD.finditer(digits) if f.group().casefold() in self._literals]
        upper = digits.translate(_LOWER)  # the IBAN recogniser reads capitals; people type either
        for value in find_personal_values(digits) + [v for v in find_personal_values(upper) if v.kind is Kind.IBAN]:
            spans.append(_recognised(upper, value.kind, value.start, value.end))
        spans += [_Span(f.start(), f.end(), f"vat:{f.group()}", "VAT") for f in _VAT.finditer(digits)
                  if f.group() not in self._passes]
        spans += [_Span(f.start(), f.end(), "iban:" + f.group().replace(" ", ""), "IBAN")
                  for f in _SA_IBAN.finditer(upper)]
        return spans

    def _digit_spans(self, digits: str) -> list[_Span]:
        """Known ids, VAT numbers and phones however they are grouped: within each run of digits and separators,
        a known value that starts and ends where a group does."""
        spans = []
        for run in _DIGIT_RUN.finditer(digits):
            places = [run.start() + i for i, c in enumerate(run.group()) if c.isdigit()]
            compact = "".join(digits[i] for i in places)
            edges = {0, len(compact)} | {k for k in range(1, len(compact)) if places[k] != places[k - 1] + 1}
            for begin in sorted(edges):
                for finish in sorted((e for e in edges if e > begin), reverse=True):  # the longest first
                    if found := self._digits.get(compact[begin:finish]):
                        spans.append(_Span(places[begin] - (begin == 0 and run.group()[0] == "+"),
                                           places[finish - 1] + 1, *found))
                        break
        return spans

    def _name_spans(self, text: str) -> list[_Span]:
        """Names at word boundaries of the folded text, the longest at each place first, an Arabic proclitic
        (و ف ب ل ك, ال, لل) before one kept outside it."""
        if not self._names:
            return []
        folded, origin = _folded_with_origins(text)
        words = [(w.start(), w.end()) for w in _WORD.finditer(folded)]
        spans, index = [], 0
        while index < len(words):
            found = self._name_at(folded, words, index)
            if found is None:
                index += 1
                continue
            begin, last, (key, kind) = found
            start, end = origin[begin], origin[words[last][1] - 1] + 1
            while end < len(text) and _SILENT.fullmatch(text[end]):
                end += 1  # a diacritic or tatweel after the last letter belongs to the name
            spans.append(_Span(start, end, key, kind))
            index = last + 1
        return spans

    def _name_at(self, folded: str, words: list[tuple[int, int]], index: int
                 ) -> tuple[int, int, tuple[str, str]] | None:
        for last in range(min(len(words), index + self._longest) - 1, index - 1, -1):
            start, end = words[index][0], words[last][1]
            for cut in _PROCLITICS:
                if folded.startswith(cut, start) and (found := self._names.get(folded[start + len(cut):end])):
                    return start + len(cut), last, found
        return None


def _recognised(upper: str, kind: Kind, start: int, end: int) -> _Span:
    value = upper[start:end]
    if kind is Kind.PHONE:
        return _Span(start, end, f"phone:{normalise_phone(value)}", "PHONE")
    if kind is Kind.EMAIL:
        return _Span(start, end, f"email:{value.casefold()}", "EMAIL")
    if kind is Kind.IBAN:
        return _Span(start, end, "iban:" + value.replace(" ", ""), "IBAN")
    return _Span(start, end, f"id:{value}", "ID")


def _letters(n: int) -> str:
    """b, c, … z, zb, zc …: the mark of another written form of a value already given a token."""
    return "z" * ((n - 1) // 25) + "bcdefghijklmnopqrstuvwxyz"[(n - 1) % 25]


def _buyer_snapshots(uow: UnitOfWork, send_business_names: bool) -> list[_Entry]:
    """The buyers written on invoices (a name may have changed since): plain snapshots only; a held one is sealed."""
    entries = []
    rows = uow.session.execute(select(m.Invoice.customer_id, m.Invoice.buyer_json).where(
        m.Invoice.buyer_json.is_not(None)).distinct())
    for customer_id, buyer_json in rows:
        if not buyer_json or sealing.is_held(buyer_json):
            continue  # a sealed (held) snapshot of an erased customer: not readable, and not needed to mask
        try:
            buyer = json.loads(buyer_json)
        except ValueError:
            continue
        if not isinstance(buyer, dict):
            continue
        individual = buyer.get("kind") == "individual"
        if not individual and send_business_names:
            continue
        subject = customer_subject(customer_id) if customer_id else f"buyer:{buyer.get('name', '')}"
        if individual and customer_id:
            uow.record_access(subject, ["invoice.buyer_json"], PURPOSE)
        entries.append(_entry(subject, individual, {k: str(buyer.get(k) or "") for k in
                                                    ("name", "name_ar", "vat_number", "id_value")}))
    return entries


# --- the company's choice ---------------------------------------------------------------------------------------


def business_names_sent(uow: UnitOfWork) -> bool:
    """Whether the company lets the assistant send business buyers' names (off unless an admin turned it on)."""
    from core.company_settings import get_setting

    return bool(get_setting(uow, SETTING, False))


def set_business_names_sent(uow: UnitOfWork, on: bool) -> None:
    """Let the assistant send business buyers' names and VAT numbers (or not): admins only, audited as a setting.
    Individuals' values are never sent, whatever this says."""
    from core.company_settings import set_setting

    require_role(uow, "admin", action="let the assistant send business buyers' names")
    set_setting(uow, SETTING, bool(on))


__all__ = ["PSEUDONYM", "PURPOSE", "SETTING", "Pseudonymiser", "business_names_sent", "fold", "set_business_names_sent"]
