create table greeting (id int primary key, words text not null);
insert into greeting values (1, 'hello');
