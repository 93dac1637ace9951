import Atomics
import CSluiceKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine's own compute threads.
///
/// `threadCount - 1` dedicated pthreads plus the calling thread execute each parallel region. Work is
/// split into chunks claimed from a shared atomic ticket (as ggml does), so a worker that the OS has
/// descheduled never stalls a region: whoever is running takes the remaining chunks. Workers spin
/// briefly between regions and then sleep on a condition variable. Regions allocate nothing: the body
/// is borrowed (`withoutActuallyEscaping`) for the duration of the call. Never runs on Swift
/// concurrency's cooperative pool.
public final class EngineThreadPool: @unchecked Sendable {
    /// Threads taking part in each region, including the caller.
    public let threadCount: Int

    private var job: ((Int, Int) -> Void)?
    private var jobChunks: Int = 0
    /// Bumped once per region; workers wake on change.
    private let generation: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
    /// `generation << 32 | next chunk`; the closed marker stops late claims after a region ends.
    private let ticket: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
    private let completed: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
    private let inflight: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
    private let sleepers: ManagedAtomic<Int> = ManagedAtomic<Int>(0)
    private let stopping: ManagedAtomic<Bool> = ManagedAtomic<Bool>(false)
    private let mutex: UnsafeMutablePointer<pthread_mutex_t> = .allocate(capacity: 1)
    private let condition: UnsafeMutablePointer<pthread_cond_t> = .allocate(capacity: 1)
    private var threads: [pthread_t] = []
    /// Spin iterations before a waiting worker goes to sleep.
    private let spinLimit: Int = 20_000
    private static let closedChunk: Int = 0x7FFF_FFFF

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

    /// Runs `body(thread, chunk)` for every chunk in `0..<chunks`, spread over the threads, and returns
    /// when all chunks are done. `thread` (in `0..<threadCount`) identifies per-thread scratch space.
    /// Must not be called re-entrantly or from two threads at once.
    public func run(chunks: Int, _ body: (_ thread: Int, _ chunk: Int) -> Void) {
        guard chunks > 0 else { return }
        if threads.isEmpty || chunks == 1 {
            for chunk: Int in 0..<chunks { body(0, chunk) }
            return
        }
        withoutActuallyEscaping(body) { (escapable: @escaping (Int, Int) -> Void) in
            job = escapable
            jobChunks = chunks
            completed.store(0, ordering: .relaxed)
            let current: Int = generation.load(ordering: .relaxed) &+ 1
            ticket.store((current & 0x7FFF_FFFF) << 32, ordering: .sequentiallyConsistent)
            generation.store(current, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(mutex)
                pthread_cond_broadcast(condition)
                pthread_mutex_unlock(mutex)
            }
            work(thread: 0, generation: current)
            var spins: Int = 0
            while completed.load(ordering: .acquiring) < chunks {
                spins += 1
                if spins < 20_000 { sk_cpu_relax() } else { sched_yield() }
            }
            // Close the ticket so late workers cannot touch `job`, then wait for any that got in.
            ticket.store(((current & 0x7FFF_FFFF) << 32) | Self.closedChunk, ordering: .sequentiallyConsistent)
            while inflight.load(ordering: .sequentiallyConsistent) > 0 { sk_cpu_relax() }
            job = nil
        }
    }

    /// Splits `0..<count` into about `4 × threadCount` chunks (multiples of `granularity`) and runs
    /// `body(range)` for each in parallel.
    public func parallelFor(_ count: Int, granularity: Int = 1, _ body: (Range<Int>) -> Void) {
        let parts: Int = Self.chunkCount(count, threads: threadCount, granularity: granularity)
        run(chunks: parts) { (_: Int, chunk: Int) in
            body(Self.chunk(count, part: chunk, of: parts, granularity: granularity))
        }
    }

    /// How many chunks to cut `count` items into: about `perThread` per thread, none smaller than `granularity`.
    static func chunkCount(_ count: Int, threads: Int, granularity: Int, perThread: Int = 4) -> Int {
        let units: Int = (count + granularity - 1) / granularity
        return max(1, min(units, threads == 1 ? 1 : threads * perThread))
    }

    /// The `part`-th of `parts` near-equal chunks of `0..<count`, aligned to `granularity`.
    public static func chunk(_ count: Int, part: Int, of parts: Int, granularity: Int) -> Range<Int> {
        let units: Int = (count + granularity - 1) / granularity
        let start: Int = min(count, units * part / parts * granularity)
        let end: Int = min(count, units * (part + 1) / parts * granularity)
        return start..<end
    }

    /// The `part`-th of `parts` chunks of `0..<count` whose sizes fall linearly (part k ∝ parts − k), aligned
    /// to `granularity`. Chunks are claimed in order, so the threads start on the large ones and the region
    /// ends on small ones: a thread left waiting for the last chunk waits about 1/parts² of the region
    /// instead of 1/(2 × parts) with equal chunks.
    static func taperedChunk(_ count: Int, part: Int, of parts: Int, granularity: Int) -> Range<Int> {
        let units: Int = (count + granularity - 1) / granularity
        let whole: Int = parts * (parts + 1)
        func boundary(_ k: Int) -> Int {
            let left: Int = parts - k
            return min(count, units * (whole - left * (left + 1)) / whole * granularity)
        }
        return boundary(part)..<boundary(part + 1)
    }

    /// Claims and runs chunks of region `generation` until none are left.
    private func work(thread: Int, generation current: Int) {
        guard let body: (Int, Int) -> Void = job else { return }
        let chunks: Int = jobChunks
        let tag: Int = (current & 0x7FFF_FFFF) << 32
        while true {
            let value: Int = ticket.load(ordering: .acquiring)
            guard value & ~0xFFFF_FFFF == tag else { return }
            let chunk: Int = value & 0xFFFF_FFFF
            guard chunk < chunks else { return }
            guard ticket.compareExchange(expected: value, desired: value + 1, ordering: .acquiringAndReleasing).exchanged else { continue }
            body(thread, chunk)
            completed.wrappingIncrement(ordering: .releasing)
        }
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
            inflight.wrappingIncrement(ordering: .sequentiallyConsistent)
            let value: Int = ticket.load(ordering: .sequentiallyConsistent)
            let open: Bool = value >> 32 == (current & 0x7FFF_FFFF) && value & 0xFFFF_FFFF != Self.closedChunk
            if open { work(thread: index, generation: current) }
            inflight.wrappingDecrement(ordering: .sequentiallyConsistent)
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
