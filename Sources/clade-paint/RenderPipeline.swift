import Foundation

/// A batch of pictures in three overlapping stages: conditioning of the next job on its own thread, the generator on
/// the calling thread, and the PNG encode and write of the previous picture on a writer thread. The generator keeps
/// both cores busy for most of a picture; the stages beside it fill the gaps it leaves (its threads meet once per
/// layer) instead of running between pictures.
///
/// Jobs go through every stage in order, at most `depth` ahead of the generator, so memory stays at a few pictures.
/// The first error stops the batch: no further job is generated, writes already queued finish (each whole or not at
/// all, by the `write` stage), and the error of the earliest failing job is thrown.
struct RenderPipeline<Conditioned: Sendable, Picture: Sendable> {
    let condition: @Sendable (Int) throws -> Conditioned
    let generate: (Int, Conditioned) throws -> Picture
    let write: @Sendable (Int, Picture) throws -> Void
    /// Conditioned jobs waiting for the generator, and generated pictures waiting for the writer.
    var depth = 2

    /// Runs jobs `0 ..< count`.
    func run(count: Int) throws {
        let state = PipelineState<Conditioned, Picture>()
        // Slots start at 0 and are handed out by signals: libdispatch traps when a semaphore is released below the
        // value it was created with, as these are when a batch stops early.
        let conditionSlots = DispatchSemaphore(value: 0)
        let writeSlots = DispatchSemaphore(value: 0)
        for _ in 0 ..< depth {
            conditionSlots.signal()
            writeSlots.signal()
        }
        let conditioned = DispatchSemaphore(value: 0)
        let conditionerDone = DispatchSemaphore(value: 0)
        let written = DispatchGroup()
        let writer = DispatchQueue(label: "clade-paint.render.write")
        let condition = self.condition
        let write = self.write
        // A plain thread, not a Dispatch worker: the generator's own threads come from Dispatch's pool.
        let conditioner = Thread {
            for index in 0 ..< count {
                conditionSlots.wait()
                if state.stopped { break }
                state.deliver(index, Result { try condition(index) })
                conditioned.signal()
            }
            // Wakes the generator's loop if it waits for a job the conditioner will not deliver.
            conditioned.signal()
            conditionerDone.signal()
        }
        conditioner.start()
        for index in 0 ..< count {
            conditioned.wait()
            guard let input = state.take(index), !state.stopped else { break }
            conditionSlots.signal()
            let picture: Picture
            do {
                picture = try generate(index, try input.get())
            } catch {
                state.fail(index, error)
                break
            }
            writeSlots.wait()
            if state.stopped { break }
            written.enter()
            writer.async {
                do { try write(index, picture) } catch { state.fail(index, error) }
                writeSlots.signal()
                written.leave()
            }
        }
        state.stop()
        conditionSlots.signal()
        conditionerDone.wait()
        written.wait()
        if let error = state.firstError { throw error }
    }
}

/// What the pipeline's threads share, under one lock: the conditioned jobs in flight and the first failure.
private final class PipelineState<Conditioned, Picture>: @unchecked Sendable {
    private let lock = NSLock()
    private var inputs: [Int: Result<Conditioned, Error>] = [:]
    private var failure: (index: Int, error: Error)?
    private var isStopped = false

    var stopped: Bool { lock.withLock { isStopped } }
    var firstError: Error? { lock.withLock { failure?.error } }

    func deliver(_ index: Int, _ input: Result<Conditioned, Error>) { lock.withLock { inputs[index] = input } }

    /// The conditioned job `index`, or nil where the conditioner stopped before it.
    func take(_ index: Int) -> Result<Conditioned, Error>? { lock.withLock { inputs.removeValue(forKey: index) } }

    func stop() { lock.withLock { isStopped = true } }

    /// Records `error` of job `index` (the earliest job's error wins) and stops the batch.
    func fail(_ index: Int, _ error: Error) {
        lock.withLock {
            if failure.map({ index < $0.index }) ?? true { failure = (index, error) }
            isStopped = true
        }
    }
}
