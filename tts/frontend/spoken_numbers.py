"""Reading numbers aloud: integers, Vietnamese-formatted decimals, digit strings, months, ordinals.

Number words come from vn-numberwords; this module only decides *how* a written number is read
(as a quantity, digit by digit, as a month or an ordinal) and fixes one reading the library gets wrong.
"""

from __future__ import annotations

from vn_numberwords import NumberTransformer

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# A written number: "." groups thousands and "," marks decimals (1.245.000,5), or a plain run of digits.
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"

# vn-numberwords reads up to "triệu tỷ" (10**18) but goes through float, so stay within exact floats.
_LARGEST_QUANTITY = 10**15


class _Transformer(NumberTransformer):
    """vn-numberwords 0.2 reads 65 as "sáu mươi năm"; a final 5 after any ten (15..95) is "lăm"."""

    def get_triplet_unit(self, unit: int, ten: int) -> str:
        if unit == 5 and ten >= 1:
            return self.dictionary.special_triplet_unit_five()
        return super().get_triplet_unit(unit, ten)


_TRANSFORMER = _Transformer()


def integer_words(value: int) -> str:
    """Read a whole number as a quantity: 21 -> "hai mươi mốt", 1004 -> "một nghìn không trăm linh bốn"."""
    if value < 0:
        return "âm " + integer_words(-value)
    if value >= _LARGEST_QUANTITY:
        return digit_words(str(value))
    return _TRANSFORMER.to_words(value)


def digit_words(digits: str) -> str:
    """Read a string of digits one by one: "0912" -> "không chín một hai"."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def number_words(written: str) -> str:
    """Read a number written the Vietnamese way (see ``NUMBER``): "1.245" -> one thousand…, "2,5" -> "hai phẩy năm".

    Digits after the comma are read as a number when short ("19,8", "12,35"), one by one otherwise or
    when they start with 0 ("0,05" -> "không phẩy không năm"), which is how announcers read them.
    """
    whole, _, fraction = written.partition(",")
    whole = whole.replace(".", "")
    spoken = digit_words(whole) if len(whole) > 2 and whole.startswith("0") else integer_words(int(whole))
    if not fraction:
        return spoken
    if len(fraction) <= 2 and not fraction.startswith("0"):
        return f"{spoken} phẩy {integer_words(int(fraction))}"
    return f"{spoken} phẩy {digit_words(fraction)}"


def month_words(month: int) -> str:
    """Month names are numbers except April, which is "tư" (tháng tư, never tháng bốn)."""
    return "tư" if month == 4 else integer_words(month)


def ordinal_words(value: int) -> str:
    """Ordinals after "thứ": 1 -> "nhất", 4 -> "tư", otherwise the plain number."""
    return {1: "nhất", 4: "tư"}.get(value, integer_words(value))
