"""What waits for each user: the home page's list, the counts in the navigation and the email that says
something is waiting (with no personal data), built by reading every room's queues."""
