"""Stage 4, export: motion, choreography and music → BVH, GLB, web viewer, step sheet, report."""
