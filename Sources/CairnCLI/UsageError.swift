import ArgumentParser
import CairnTraining

/// Runs `body`, turning a `ConfigurationError` from the library into ArgumentParser's `ValidationError`: the
/// same message, reported with the usage and exit status 64 like any bad flag.
func reportingConfigurationErrorsAsUsage<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ConfigurationError {
        throw ValidationError(error.message)
    }
}
