//! Offline rubric grader (work in progress).
