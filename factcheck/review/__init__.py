"""Review actions on notes and exports of reviewed notes."""
