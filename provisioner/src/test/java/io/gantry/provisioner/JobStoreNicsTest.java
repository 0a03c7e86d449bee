package io.gantry.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.common.JobKind;
import io.gantry.common.net.NetworkKind;
import io.gantry.common.net.Nic;
import io.gantry.testkit.FreshDatabase;
import io.gantry.testkit.TestPostgres;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The leader reads each open job's machine with the NICs its zone is to have, from the real record (PostgreSQL). */
class JobStoreNicsTest {
    private final FreshDatabase db = TestPostgres.shared().freshDatabase("jobstore_nics").migrate("classpath:db/migration");

    @Test
    void anOpenJobsMachineCarriesItsNicsPrimaryFirstWithoutThoseBeingRemoved() throws Exception {
        UUID account = UUID.randomUUID();
        UUID machine = UUID.randomUUID();
        UUID fabric = UUID.randomUUID();
        UUID external = UUID.randomUUID();
        db.execute("insert into accounts (id, login, email, created, updated) values (?, 'nics', 'n@example.test', now(), now())", account);
        db.execute("insert into networks (id, name, public, fabric, subnet, gateway, provision_start_ip, provision_end_ip, owner_account,"
                + " vlan_id, vni, nat, mtu) values (?, 'f', false, true, '192.168.128.0/22', '192.168.128.1', '192.168.128.5',"
                + " '192.168.131.250', ?, 2, 4100, true, 1450)", fabric, account);
        db.execute("insert into networks (id, name, public, fabric, subnet, gateway, provision_start_ip, provision_end_ip, nat, mtu)"
                + " values (?, 'x', true, false, '10.200.0.0/16', '10.200.0.1', '10.200.0.2', '10.200.0.254', false, 1500)", external);
        db.execute("insert into machines (id, account_id, name, state, brand, image_id, image_name, os, package_id, package_name, memory, swap,"
                + " disk, vcpus, cpu_cap, lwps, networks, tags, metadata, affinity, firewall_enabled, deletion_protection, created, updated)"
                + " values (?, ?, 'web', 'running', 'joyent', ?, 'img', 'other', ?, 'small', 128, 128, 1024, 1, 100, 256, '[]', '{}', '{}',"
                + " '[]', true, false, now(), now())", machine, account, UUID.randomUUID(), UUID.randomUUID());
        String nic = "insert into nics (mac, machine_id, account_id, network_id, ip, primary_nic, state, created)"
                + " values (?, ?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?))";
        db.execute(nic, "02:00:00:00:00:03", machine, account, external, "10.200.0.2", false, "provisioning", 2);
        db.execute(nic, "02:00:00:00:00:02", machine, account, external, "10.200.0.3", false, "removing", 1);
        db.execute(nic, "02:00:00:00:00:01", machine, account, fabric, "192.168.128.5", true, "running", 3);
        db.execute("insert into jobs (id, machine_id, action, params, state, caller, created, updated)"
                + " values (?, ?, 'update_nics', '{\"image\":\"img\"}', 'queued', 'test', now(), now())", UUID.randomUUID(), machine);

        try (JobStore store = new JobStore(db.jdbcUrl(), db.user(), db.password())) {
            var jobs = store.openJobs();
            assertThat(jobs).hasSize(1);
            assertThat(jobs.get(0).action()).isEqualTo(JobKind.UPDATE_NICS);
            var m = jobs.get(0).machine();
            assertThat(m.firewallEnabled()).isTrue();
            assertThat(m.nics()).containsExactly(
                    new Nic("02:00:00:00:00:01", "192.168.128.5", fabric, NetworkKind.FABRIC, "192.168.128.0/22", "192.168.128.1", 4100, 1450,
                            true, true),
                    new Nic("02:00:00:00:00:03", "10.200.0.2", external, NetworkKind.EXTERNAL, "10.200.0.0/16", "10.200.0.1", null, 1500,
                            false, false));
        }
    }
}
