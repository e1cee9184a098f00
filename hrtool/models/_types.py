"""Column types shared by the models."""
from decimal import Decimal

from sqlalchemy import Numeric
from sqlalchemy.orm import mapped_column

# Money is Decimal to the penny in the database; rounding happens once, at the edge, in the domain.
Money = Numeric(12, 2, asdecimal=True)
Hours = Numeric(5, 2, asdecimal=True)
Fte = Numeric(6, 4, asdecimal=True)


def money_column(nullable: bool = False):  # type: ignore[no-untyped-def]
    return mapped_column(Money, nullable=nullable)


__all__ = ["Decimal", "Fte", "Hours", "Money", "money_column"]
