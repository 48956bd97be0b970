"""What the law fixes: who an organ is (agencies) and when its report is due (deadlines)."""
