import SluiceEngine

extension LocalProvider {
    /// What the model's batch scheduler is doing now: sequences running and waiting, KV cache occupancy.
    public var engineLoad: SchedulerLoad { model.scheduler.load }
    /// How the model's batch scheduler is set up.
    public var engineSettings: SchedulerSettings { model.scheduler.settings }
}
