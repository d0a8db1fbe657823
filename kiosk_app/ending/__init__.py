"""The end of a resident's session: the two questions, the level-2 advice, the rating and thanks."""
