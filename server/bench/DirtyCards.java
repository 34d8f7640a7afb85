// Which objects sit on the old generation's dirty cards of a running pingscope on Serial GC (docs/performance.md,
// "Which cards are dirty"): attaches the serviceability agent, reads the card table and walks the old
// generation, and prints the number of dirty cards and, per class, the cards whose first dirty object is of
// that class. The agent stops the server while it reads (about 40 s at 10,000 held): a bench tool only.
//
// Usage (as root, Java 17 with the jdk.hotspot.agent module, the server started by server/bin/pingscope):
//   java --add-modules jdk.hotspot.agent $(for p in '' .debugger .gc.serial .gc.shared .memory .oops .runtime .types; do \
//     echo --add-exports jdk.hotspot.agent/sun.jvm.hotspot$p=ALL-UNNAMED; done) server/bench/DirtyCards.java PID
import sun.jvm.hotspot.HotSpotAgent;
import sun.jvm.hotspot.debugger.Address;
import sun.jvm.hotspot.gc.serial.*;
import sun.jvm.hotspot.gc.shared.*;
import sun.jvm.hotspot.oops.*;
import sun.jvm.hotspot.runtime.VM;
import sun.jvm.hotspot.types.*;
import java.util.*;

public class DirtyCards {
  public static void main(String[] a) throws Exception {
    HotSpotAgent agent = new HotSpotAgent();
    agent.attach(Integer.parseInt(a[0]));
    try {
      VM vm = VM.getVM();
      TypeDataBase db = vm.getTypeDataBase();
      Type bsType = db.lookupType("BarrierSet");
      Address bs = bsType.getAddressField("_barrier_set").getValue();
      Address ct = db.lookupType("CardTableBarrierSet").getAddressField("_card_table").getValue(bs);
      Address base = db.lookupType("CardTable").getAddressField("_byte_map_base").getValue(ct);
      SerialHeap heap = (SerialHeap) vm.getUniverse().heap();
      TenuredGeneration old = (TenuredGeneration) heap.getGen(1);
      ContiguousSpace sp = old.theSpace();
      Address bottom = sp.bottom(), top = sp.top();
      long b = bottom.asLongValue(), t = top.asLongValue();
      long c0 = b >>> 9, c1 = (t - 1) >>> 9;
      int n = (int) (c1 - c0 + 1);
      byte[] cards = new byte[n];
      Address cb = base.addOffsetTo(c0);
      for (int i = 0; i < n; i++) cards[i] = cb.getJByteAt(i);
      Map<Integer,Integer> vals = new TreeMap<>();
      int nonClean = 0;
      for (byte v : cards) { vals.merge((int) v, 1, Integer::sum); if (v != -1) nonClean++; }
      System.out.printf("old gen %d MB used, %d cards, %d non-clean; values %s%n", (t - b) >> 20, n, nonClean, vals);
      // Walk the old generation's objects in address order.
      Map<String,long[]> byClass = new HashMap<>(); // [objects on a non-clean card, cards attributed (first object of card)]
      ObjectHeap oh = vm.getObjectHeap();
      Address cur = bottom;
      long lastCard = -1; int objs = 0;
      while (cur.lessThan(top)) {
        Oop o = oh.newOop(cur.addOffsetToAsOopHandle(0));
        long size = o.getObjectSize();
        long s = cur.asLongValue();
        long k0 = (s >>> 9) - c0, k1 = ((s + size - 1) >>> 9) - c0;
        boolean dirty = false; int starts = 0;
        for (long k = k0; k <= k1; k++) if (cards[(int) k] != -1) { dirty = true; if (k != lastCard) { starts++; lastCard = k; } }
        if (dirty) {
          String name = o.getKlass().getName().asString();
          long[] v = byClass.computeIfAbsent(name, x -> new long[2]);
          v[0]++; v[1] += starts;
        }
        cur = cur.addOffsetTo(size);
        objs++;
      }
      System.out.printf("%d objects walked%n", objs);
      byClass.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(40)
        .forEach(e -> System.out.printf("%8d cards %8d objects  %s%n", e.getValue()[1], e.getValue()[0], e.getKey()));
    } finally { agent.detach(); }
  }
}
