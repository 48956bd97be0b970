"""The application register: applications, their statutory clock, and tables 三 and 四 by construction."""
