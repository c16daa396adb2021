/// An https worker: takes a small batch, records the starts, then sends one request at a
/// time through URLSession, waiting for each answer on this thread.
struct BlockingWorker {
    let lane: SubscriberLane
    let sender: URLSessionSender

    func run() {
        var wake: LaneSchedule.Wake?
        while true {
            let now = WallClock.milliseconds()
            switch lane.take(now: now, limit: SubscriberLane.batchLimit, workers: lane.policy.concurrency, after: wake) {
            case .stop:
                return
            case .wait(let until):
                let ms = until.map { min(1000, $0 - now) } ?? 1000
                wake = lane.waker.wait(milliseconds: ms) ? .signalled : .timedOut
            case .work(let batch):
                wake = nil
                if !batch.isEmpty && lane.recordStarts(batch) { send(batch) }
            }
        }
    }

    private func send(_ batch: [OpenDelivery]) {
        var outcomes: [DeliveryEvent] = []
        var hold: String?
        for (index, delivery) in batch.enumerated() {
            if index > 0, let hold {
                lane.giveBack(batch[index...], reason: hold, outcomes: &outcomes)
                return
            }
            let verdict: AttemptVerdict
            switch lane.prepare(delivery) {
            case .refuse(let refused):
                verdict = refused
            case .send(let request):
                guard let judged = lane.judge(sender.send(request, timeoutSeconds: lane.policy.timeoutSeconds)) else {
                    lane.abandon(delivery)
                    hold = "notifier stopping"
                    continue
                }
                verdict = judged
            }
            hold = lane.finish(delivery, verdict, outcomes: &outcomes)
        }
        lane.flush(&outcomes)
    }
}
