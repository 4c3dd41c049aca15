/// `input`: no work; the network reads the caller's rows in place.
struct InputKernel: NodeKernel {
    func forward(_ network: Network, at position: Int, batch: Int, training: Bool, rng: inout RandomGenerator) {}
    func backward(_ network: Network, at position: Int, batch: Int, training: Bool) {}
}
