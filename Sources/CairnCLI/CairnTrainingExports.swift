// The tools and their tests see the training library's types (configurations, `TrainingRun`, `RunSummary`,
// `HistoryFiles`, ...) through `import CairnCLI`.
@_exported import CairnTraining
