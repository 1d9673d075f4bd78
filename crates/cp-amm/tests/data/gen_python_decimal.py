"""Generates python_decimal.txt: random operations under CPython's default decimal context.

Each line is `op a b expected` (b is `-` for sqrt); `expected` is Python's result, or an
exception name. Only results rust_decimal can hold (at most 28 places, a mantissa below 2^96)
are kept, so every line must be matched exactly. Run: python3 gen_python_decimal.py > python_decimal.txt
"""
import random
from decimal import Decimal, getcontext, DivisionByZero, InvalidOperation

random.seed(20261122)
ctx = getcontext()
assert ctx.prec == 28


def rand_dec():
    digits = random.choice([1, 2, 5, 10, 15, 20, 25, 28])
    coeff = random.randrange(0, 10 ** digits)
    scale = random.randrange(0, 29)
    if coeff >= 2 ** 96:
        coeff //= 10
    sign = "-" if random.random() < 0.2 else ""
    return Decimal(f"{sign}{coeff}E-{scale}")


def fits(d):
    t = d.as_tuple()
    if t.exponent > 0:
        return int("".join(map(str, t.digits))) * 10 ** t.exponent < 2 ** 96
    return -t.exponent <= 28 and int("".join(map(str, t.digits)) or "0") < 2 ** 96


out = []
while len(out) < 3000:
    op = random.choice(["add", "sub", "mul", "div", "sqrt"])
    a, b = rand_dec(), rand_dec()
    try:
        r = {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b,
             "div": lambda: a / b, "sqrt": lambda: a.sqrt()}[op]()
        if not fits(r):
            continue
        res = str(r)
    except DivisionByZero:
        res = "DivisionByZero"
    except InvalidOperation:
        res = "InvalidOperation"
    out.append(f"{op} {a} {b if op != 'sqrt' else '-'} {res}")
print("\n".join(out))
