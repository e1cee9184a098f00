"""Column types shared by the models."""
from decimal import Decimal

from sqlalchemy import Numeric

# Money is Decimal to the penny in the database; rounding happens once, at the edge, in the domain.
Money = Numeric(12, 2, asdecimal=True)
Hours = Numeric(5, 2, asdecimal=True)
Fte = Numeric(6, 4, asdecimal=True)

__all__ = ["Decimal", "Fte", "Hours", "Money"]
