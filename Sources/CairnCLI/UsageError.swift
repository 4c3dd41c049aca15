import ArgumentParser
import CairnFormat
import CairnTraining

/// Runs `body`, turning a `invalidConfiguration` `CairnError` from the library into ArgumentParser's `ValidationError`: the
/// same message, reported with the usage and exit status 64 like any bad flag.
func reportingConfigurationErrorsAsUsage<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as CairnError where error.code == .invalidConfiguration {
        throw ValidationError(error.message)
    }
}
