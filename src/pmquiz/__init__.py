"""pmquiz: spaced-repetition quizzes for a product-management course."""

__version__ = "0.1.0"
