"""Partner agencies: who research asks for information, their agreed response times, and their users."""
