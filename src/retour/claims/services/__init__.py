"""Claims services: filing, the seller's answer, the marketplace's decision, appeals, the money."""
