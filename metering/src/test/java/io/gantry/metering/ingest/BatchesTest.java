package io.gantry.metering.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.common.GantryException;
import io.gantry.common.Json;
import io.gantry.common.usage.UsageAck;
import io.gantry.common.usage.UsageBatch;
import io.gantry.common.usage.UsageRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BatchesTest {
    private static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");

    private static UsageRecord rec(UUID zone, long seq) {
        return new UsageRecord(zone, seq, "acct", "node", "small", 1_764_000_000_000L + seq, seq, seq, 1, 1, seq, 1, seq, seq, seq, 0, 0,
                false);
    }

    private static Batches.Checked parse(Object batch) {
        return Batches.parse(Json.write(batch).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theAckNamesEachZoneWithTheHighestSeqOfTheBatch() {
        Batches.Checked c = parse(new UsageBatch("n", List.of(rec(B, 4), rec(A, 2), rec(B, 9), rec(A, 1), rec(B, 7))));

        assertThat(c.ack().acked()).containsExactly(new UsageAck.Stored(B, 9), new UsageAck.Stored(A, 2));
        assertThat(c.records()).extracting(UsageRecord::key).containsExactly(A + "/1", A + "/2", B + "/4", B + "/7", B + "/9");
        assertThat(c.received()).isEqualTo(5);
    }

    @Test
    void aRecordSentTwiceInOneBatchIsStoredOnce() {
        Batches.Checked c = parse(new UsageBatch("n", List.of(rec(A, 1), rec(A, 1), rec(A, 2))));

        assertThat(c.records()).hasSize(2);
        assertThat(c.received()).isEqualTo(3);
    }

    @Test
    void anEmptyBatchIsAcknowledgedEmpty() {
        assertThat(parse(new UsageBatch("n", List.of())).ack().acked()).isEmpty();
    }

    @Test
    void theFirstBadRecordIsNamed() {
        UsageRecord noTenant = new UsageRecord(A, 3, " ", "n", "p", 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false);
        UsageRecord noTime = new UsageRecord(A, 3, "t", "n", "p", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, false);
        UsageRecord negativeRx = new UsageRecord(A, 3, "t", "n", "p", 5, 0, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, false);

        assertThatThrownBy(() -> parse(new UsageBatch("n", List.of(rec(A, 1), rec(A, 2), noTenant))))
                .isInstanceOf(GantryException.class).hasMessageContaining("record 2").hasMessageContaining("tenant is missing");
        assertThatThrownBy(() -> parse(new UsageBatch("n", List.of(noTime)))).hasMessageContaining("timeMillis");
        assertThatThrownBy(() -> parse(new UsageBatch("n", List.of(negativeRx)))).hasMessageContaining("netRxBytes must not be negative");
        assertThatThrownBy(() -> Batches.parse(("{\"records\":[{\"zone\":\"" + A + "\",\"tenant\":\"t\",\"timeMillis\":5}]}")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("seq must be 1 or more; got 0");
        assertThatThrownBy(() -> Batches.parse("nonsense".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("malformed");
        assertThatThrownBy(() -> Batches.parse("{\"records\":[null]}".getBytes(StandardCharsets.UTF_8))).hasMessageContaining("is null");
    }

    @Test
    void atMostTenThousandRecordsPerBatch() {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 1; i <= Batches.MAX_RECORDS; i++) {
            records.add(rec(A, i));
        }
        assertThat(Batches.check(new UsageBatch("n", records)).records()).hasSize(10_000);
        records.add(rec(A, 10_001));
        assertThatThrownBy(() -> Batches.check(new UsageBatch("n", records))).hasMessageContaining("at most 10000 records");
    }
}
