"""The risk factors: one pure function per factor, (subject, context, knowledge base) -> RiskFactor."""
