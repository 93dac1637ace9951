import Atomics
import CSluiceKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine's own compute threads.
///
/// `threadCount - 1` dedicated pthreads plus the calling thread execute each parallel region; they spin
/// briefly between regions and then sleep on a condition variable. Regions allocate nothing: the body is
/// borrowed (`withoutActuallyEscaping`) for the duration of the call. Never runs on Swift concurrency's
/// cooperative pool.
public final class EngineThreadPool: @unchecked Sendable {
    /// Threads taking part in each region, including the caller.
    public let threadCount: Int

    private var job: ((Int) -> Void)?
    private let generation: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
    private let pending: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
    private let sleepers: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
    private let stopping: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = .allocate(capacity: 1)
    private let condition: UnsafeMutablePointer<pthread_cond_t> = .allocate(capacity: 1)
    private var threads: [pthread_t] = []
    /// Spin iterations before a waiting worker goes to sleep.
    private let spinLimit: Int = 50_000

    /// Starts `threads - 1` worker threads (at least one thread in total).
    public init(threads: Int) {
        threadCount = max(1, threads)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        for index: Int in 1..<max(threadCount, 1) {
            let context: WorkerContext = WorkerContext(pool: self, index: index)
            let unmanaged: Unmanaged<WorkerContext> = Unmanaged.passRetained(context)
            var thread: pthread_t = pthread_t()
            let result: Int32 = pthread_create(&thread, nil, { raw in
                let context: WorkerContext = Unmanaged<WorkerContext>.fromOpaque(raw!).takeRetainedValue()
                context.pool.workerLoop(index: context.index)
                return nil
            }, unmanaged.toOpaque())
            if result == 0 { self.threads.append(thread) } else { unmanaged.release() }
        }
    }

    /// The number of CPUs available to this process.
    public static var availableCores: Int {
        let count: Int = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return max(1, count)
    }

    deinit {
        stopping.store(true, ordering: .sequentiallyConsistent)
        generation.wrappingIncrement(ordering: .sequentiallyConsistent)
        pthread_mutex_lock(mutex)
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
        for thread: pthread_t in threads { pthread_join(thread, nil) }
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    /// Runs `body(threadIndex)` once on every thread (`0..<threadCount`) and returns when all are done.
    /// Must not be called re-entrantly or from two threads at once.
    public func run(_ body: (Int) -> Void) {
        if threads.isEmpty {
            body(0)
            return
        }
        withoutActuallyEscaping(body) { (escapable: @escaping (Int) -> Void) in
            job = escapable
            pending.store(threads.count, ordering: .relaxed)
            generation.wrappingIncrement(ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            escapable(0)
            var spins: Int = 0
            while pending.load(ordering: .acquiring) > 0 {
                spins += 1
                // Yield when oversubscribed so a descheduled worker can finish.
                if spins < 20_000 { sk_cpu_relax() } else { sched_yield() }
            }
            job = nil
        }
    }

    /// Splits `0..<count` into `threadCount` contiguous chunks (multiples of `granularity`) and runs
    /// `body(range)` for each non-empty chunk in parallel.
    public func parallelFor(_ count: Int, granularity: Int = 1, _ body: (Range<Int>) -> Void) {
        let workers: Int = threadCount
        run { (index: Int) in
            let range: Range<Int> = Self.chunk(count, part: index, of: workers, granularity: granularity)
            if !range.isEmpty { body(range) }
        }
    }

    /// The `part`-th of `parts` near-equal chunks of `0..<count`, aligned to `granularity`.
    static func chunk(_ count: Int, part: Int, of parts: Int, granularity: Int) -> Range<Int> {
        let units: Int = (count + granularity - 1) / granularity
        let start: Int = min(count, units * part / parts * granularity)
        let end: Int = min(count, units * (part + 1) / parts * granularity)
        return start..<end
    }

    private func workerLoop(index: Int) {
        var seen: Int = 0
        while true {
            var spins: Int = 0
            var current: Int = generation.load(ordering: .acquiring)
            while current == seen {
                if spins < spinLimit {
                    spins += 1
                    sk_cpu_relax()
                } else {
                    pthread_mutex_lock(mutex)
                    sleepers.wrappingIncrement(ordering: .sequentiallyConsistent)
                    while generation.load(ordering: .sequentiallyConsistent) == seen {
                        pthread_cond_wait(condition, mutex)
                    }
                    sleepers.wrappingDecrement(ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(mutex)
                }
                current = generation.load(ordering: .acquiring)
            }
            seen = current
            if stopping.load(ordering: .acquiring) { return }
            if let body: (Int) -> Void = job { body(index) }
            pending.wrappingDecrement(ordering: .releasing)
        }
    }
}

private final class WorkerContext {
    unowned(unsafe) let pool: EngineThreadPool
    let index: Int
    init(pool: EngineThreadPool, index: Int) {
        self.pool = pool
        self.index = index
    }
}
