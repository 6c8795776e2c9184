"""The public side [issue 21]: what the public reaches without an account (applying online), and its
defences."""
