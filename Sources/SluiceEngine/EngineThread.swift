import Foundation

/// A dedicated OS thread that runs engine jobs one at a time, off Swift concurrency's cooperative pool.
final class EngineThread: @unchecked Sendable {
    private let condition: NSCondition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping: Bool = false
    private var finished: Bool = false

    init(name: String) {
        let thread: Thread = Thread { [self] in self.loop() }
        thread.name = name
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Queues `job`; jobs run in order on the engine thread.
    func submit(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets queued jobs finish, then ends the thread and waits for it.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let job: () -> Void = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
