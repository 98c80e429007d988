"""The short-answer policy: what the loop runs for a question that wants a name, date, number,
yes/no or one of two options. Form checks and verification (verify.py), comparisons decided
from the dates or nationalities read (compare.py), the confidence table (confidence.py) and
the floor that keeps the best-supported candidate answer (floor.py). Nothing here knows the
loop; the loop calls it."""
